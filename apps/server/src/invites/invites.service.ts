import { randomBytes } from 'node:crypto';
import { type Chat, type ChatInvite, type InvitePreviewResponse, LIMITS } from '@chatsockets/protocol';
import type { Actor } from '../auth/auth.service.js';
import { assertAllowed, loadAccess, rules, underLock } from '../chats/access.js';
import { REMOVED } from '../chats/bans.js';
import { toChat } from '../chats/chats.mapper.js';
import type { ChatsRepo } from '../chats/chats.repo.js';
import { isId } from '../db/ids.js';
import { conflict, forbidden, gone, notFound } from '../errors.js';
import type { Publish } from '../realtime/bus/bus.js';
import { type InviteRow, type InvitesRepo, TOO_MANY } from './invites.repo.js';

/** What `randomBytes(n).toString('base64url')` can produce. */
const TOKEN = /^[A-Za-z0-9_-]+$/;

const toInvite = (
  row: InviteRow,
  creator: { id: string; username: string; displayName: string | null },
): ChatInvite => ({
  id: row.id,
  chatId: row.chatId,
  token: row.token,
  createdBy: {
    id: creator.id,
    username: creator.username,
    ...(creator.displayName ? { displayName: creator.displayName } : {}),
  },
  createdAt: row.createdAt.toISOString(),
  expiresAt: row.expiresAt?.toISOString() ?? null,
  maxUses: row.maxUses,
  uses: row.uses,
  revokedAt: row.revokedAt?.toISOString() ?? null,
});

/** Why an invite no longer lets anyone in, or `undefined` while it does. */
function unusable(row: InviteRow, now: Date) {
  if (row.revokedAt) return gone('This invite link was revoked', 'revoked');
  if (row.expiresAt && row.expiresAt <= now) return gone('This invite link has expired', 'expired');
  if (row.maxUses !== null && row.uses >= row.maxUses)
    return gone('This invite link has been used up', 'used-up');
  return undefined;
}

/**
 * Invite links to group chats (docs/PROTOCOL.md › Invite links). Owners and admins make and
 * revoke them (`rules.invite`); anyone signed in who holds a usable token joins with it.
 */
export function createInvitesService(deps: {
  invites: InvitesRepo;
  chats: ChatsRepo;
  publish: Publish;
  now?: () => Date;
}) {
  const { invites, chats, publish } = deps;
  const now = deps.now ?? (() => new Date());

  const DENIED = 'Only the owner and admins manage invite links of this chat';
  async function assertManager(actor: Actor, chatId: string) {
    const access = await loadAccess(chats, chatId, actor.user.id);
    assertAllowed(rules.invite(access), DENIED);
    return access;
  }

  async function view(chatId: string, userId: string): Promise<Chat> {
    const row = await chats.viewFor(chatId, userId);
    if (!row) throw notFound('Chat');
    return toChat(row, userId);
  }

  async function byToken(token: string) {
    // Tokens are base64url (see create). Anything else names no link, and must not reach the
    // query: Postgres text cannot hold a NUL, which would be a 500 instead of this 404.
    if (!TOKEN.test(token)) throw notFound('Invite link');
    const found = await invites.findByToken(token);
    if (!found) throw notFound('Invite link');
    return found;
  }

  return {
    async create(
      actor: Actor,
      chatId: string,
      body: { expiresInSeconds?: number; maxUses?: number },
    ): Promise<ChatInvite> {
      const access = await assertManager(actor, chatId);
      const at = now();
      const row = await invites.insert(
        {
          chatId,
          // 256 random bits: a link cannot be guessed, only shared.
          token: randomBytes(32).toString('base64url'),
          createdBy: actor.user.id,
          createdAt: at,
          expiresAt: body.expiresInSeconds ? new Date(at.getTime() + body.expiresInSeconds * 1000) : null,
          maxUses: body.maxUses ?? null,
        },
        underLock(actor, access, rules.invite, DENIED),
      );
      if (!row) throw notFound('Chat'); // deleted meanwhile
      if (row === TOO_MANY)
        throw conflict(
          `A chat has at most ${LIMITS.invitesLiveMax} links that still work: revoke one to make another`,
        );
      const { id, username, displayName } = actor.user;
      return toInvite(row, { id, username, displayName: displayName ?? null });
    },

    async list(actor: Actor, chatId: string): Promise<ChatInvite[]> {
      await assertManager(actor, chatId);
      return (await invites.listForChat(chatId, now())).map((r) => toInvite(r.invite, r.creator));
    },

    /** Revoking twice is the same as once; an invite of another chat is a 404. */
    async revoke(actor: Actor, chatId: string, inviteId: string): Promise<void> {
      await assertManager(actor, chatId);
      if (!isId(inviteId) || !(await invites.findById(chatId, inviteId))) throw notFound('Invite link');
      await invites.revoke(chatId, inviteId, now());
    },

    async preview(actor: Actor, token: string): Promise<InvitePreviewResponse> {
      const found = await byToken(token);
      const access = await loadAccess(chats, found.chat.id, actor.user.id);
      const member = access.member !== undefined;
      if (!member) {
        const reason = unusable(found.invite, now());
        if (reason) throw reason;
        // Not a "Join?" page whose join must fail: told now, as the join would tell them.
        if (access.barred) throw forbidden(REMOVED);
      }
      return {
        chat: { ...found.chat, memberCount: found.memberCount },
        member,
      };
    },

    /** Joins the chat the link leads to; a member already gets the chat and costs the link no use. */
    async join(actor: Actor, token: string): Promise<Chat> {
      const found = await byToken(token);
      const chatId = found.chat.id;
      const access = await loadAccess(chats, chatId, actor.user.id);
      if (access.member) return view(chatId, actor.user.id);
      const joined = await invites.join(found.invite, actor.user.id, now());
      if (joined) {
        const event = { type: 'member.joined' as const, chatId, user: actor.user, rev: joined.rev };
        publish({ kind: 'chat', chatId, event });
        publish({ kind: 'user', userId: actor.user.id, event });
        return view(chatId, actor.user.id);
      }
      // Refused: say why, from the invite as it is now (a concurrent join may have used it up).
      const again = await byToken(token);
      const reason = unusable(again.invite, now());
      if (reason) throw reason;
      // Joined meanwhile from another tab: the same answer as a member's.
      return view(chatId, actor.user.id);
    },
  };
}
export type InvitesService = ReturnType<typeof createInvitesService>;
