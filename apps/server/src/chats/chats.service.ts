import {
  type Chat,
  type ChatDetailResponse,
  type ChatListPage,
  LIMITS,
  type Member,
  type ServerEvent,
  type User,
} from '@chatsockets/protocol';
import type { Actor } from '../auth/auth.service.js';
import { toUser } from '../auth/users.mapper.js';
import type { UsersRepo } from '../auth/users.repo.js';
import { isId } from '../db/ids.js';
import { badRequest, conflict, forbidden, notFound } from '../errors.js';
import type { Limiter } from '../rate-limit.js';
import type { Publish } from '../realtime/bus/bus.js';
import { assertAllowed, authorize, loadAccess, rules, underLock } from './access.js';
import { REMOVED } from './bans.js';
import { toChat, toMember } from './chats.mapper.js';
import type { ChatsRepo } from './chats.repo.js';
import { createTypingThrottle } from './typing-throttle.js';

/** The list's cursor: the last row's exact activity time and id, opaque to clients. */
const encodeCursor = (row: { activity: string; chat: { id: string } }) =>
  Buffer.from(JSON.stringify([row.activity, row.chat.id])).toString('base64url');
/** A timestamptz as Postgres prints it (`2026-12-01 13:01:33.108923+00`), the cursor's form. */
const PG_TIMESTAMPTZ =
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):([0-5]\d):([0-5]\d)(?:\.\d{1,6})?[+-](\d{2})(?::[0-5]\d){0,2}$/;
/**
 * Whether Postgres will read `s` back as the timestamptz it printed. Checked here, field by
 * field, because Date.parse takes much that Postgres refuses ("1", "2020-02-30", years past its
 * range): a forged cursor must be the 400 below, not a 500 from the query's cast.
 */
function isPrintedTimestamp(s: string): boolean {
  const m = PG_TIMESTAMPTZ.exec(s);
  if (!m) return false;
  const [year, month, day, hour, offsetHours] = [m[1], m[2], m[3], m[4], m[7]].map(Number) as number[];
  const lastDay = new Date(0);
  lastDay.setUTCFullYear(year!, month!, 0); // day 0 of the next month: this month's last day
  return (
    year! >= 1 &&
    month! >= 1 &&
    month! <= 12 &&
    day! >= 1 &&
    day! <= lastDay.getUTCDate() &&
    hour! <= 23 &&
    offsetHours! <= 15
  );
}

function decodeCursor(cursor: string): { activity: string; id: string } {
  try {
    const [activity, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (typeof activity === 'string' && isPrintedTimestamp(activity) && typeof id === 'string' && isId(id))
      return { activity, id };
  } catch {}
  throw badRequest('Invalid cursor', [
    { path: 'querystring.cursor', message: 'not a cursor this server gave' },
  ]);
}

export interface ChatLimits {
  /** Group and direct chats a user starts; key: their id. */
  chatCreates: Limiter;
  /** Users someone puts into chats (creating with members, or adding); key: their id. */
  memberAdds: Limiter;
}

/** One `typing` per user and chat per this long, at most (typing-throttle.ts). */
const TYPING_WINDOW_MS = 1000;

export function createChatsService(deps: {
  chats: ChatsRepo;
  users: UsersRepo;
  publish: Publish;
  limits: ChatLimits;
  now?: () => Date;
}) {
  const { chats, users, publish, limits } = deps;
  const typing = createTypingThrottle(TYPING_WINDOW_MS, () => (deps.now?.() ?? new Date()).getTime());

  /** Users who only accept adds from people sharing a chat with them, and do not share one with the actor. */
  async function assertAddable(
    actor: Actor,
    targets: Array<{ id: string; username: string; addableBy: string }>,
  ) {
    const picky = targets.filter((u) => u.addableBy === 'contacts');
    if (picky.length === 0) return;
    const known = await chats.countingAsContact(
      actor.user.id,
      picky.map((u) => u.id),
    );
    const refused = picky.find((u) => !known.has(u.id));
    if (refused) throw forbidden(`"${refused.username}" can only be added by people they have written to`);
  }

  async function view(chatId: string, userId: string): Promise<Chat> {
    const row = await chats.viewFor(chatId, userId);
    if (!row) throw notFound('Chat');
    return toChat(row, userId);
  }

  /** For actions on another member: the actor must be a member (403); the target must be one (404). */
  async function loadMemberAction(actor: Actor, chatId: string, userId: string) {
    const access = await loadAccess(chats, chatId, actor.user.id);
    assertAllowed(access.member !== undefined, 'Not a member of this chat');
    const target = isId(userId)
      ? (await chats.members(chatId)).find((m) => m.member.userId === userId)
      : undefined;
    if (!target) throw notFound('Member');
    return { access, target };
  }

  /**
   * To the chat's subscribers, and to the member's own sockets (so their chat list learns of it).
   * The hub applies a `member.left` in rev order before any later event of the chat, and drops
   * the departed user's subscriptions right after forwarding it (realtime/hub.ts).
   */
  function announce(chatId: string, userId: string, event: ServerEvent) {
    publish({ kind: 'chat', chatId, event });
    publish({ kind: 'user', userId, event });
  }
  const announceMember = (type: 'member.joined' | 'member.left', chatId: string, user: User, rev: number) =>
    announce(chatId, user.id, { type, chatId, user, rev });

  return {
    async list(actor: Actor, page: { limit?: number; cursor?: string } = {}): Promise<ChatListPage> {
      const limit = page.limit ?? LIMITS.chatPageDefault;
      const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
      const rows = await chats.listForUser(actor.user.id, limit + 1, after);
      const more = rows.length > limit;
      const shown = rows.slice(0, limit);
      return {
        chats: shown.map((r) => toChat(r, actor.user.id)),
        nextCursor: more ? encodeCursor(shown.at(-1)!) : null,
      };
    },

    async searchPublic(actor: Actor, q: string | undefined): Promise<Chat[]> {
      const rows = await chats.searchPublic(actor.user.id, q || undefined);
      return rows.map((r) => toChat(r, actor.user.id));
    },

    async create(
      actor: Actor,
      input: { title: string; visibility: 'public' | 'private'; members: string[] },
    ): Promise<Chat> {
      const self = actor.user.username.toLowerCase();
      const wanted = [...new Set(input.members.map((u) => u.toLowerCase()))].filter((u) => u !== self);
      const found = await users.findByUsernames(wanted);
      const missing = wanted.find((u) => !found.some((f) => f.username.toLowerCase() === u));
      if (missing) throw notFound(`User "${missing}"`);
      await assertAddable(actor, found);
      // Adds first, and refused whole: a group too big for what is left of the hour costs nothing.
      if (found.length > 0) await limits.memberAdds.take(actor.user.id, found.length);
      // A group refused for the chats of the hour puts no one anywhere: its adds are given back.
      await limits.chatCreates.consume(actor.user.id).catch(async (err: unknown) => {
        if (found.length > 0) await limits.memberAdds.refund(actor.user.id, found.length);
        throw err;
      });
      const chat = await chats.createGroup({
        title: input.title,
        visibility: input.visibility,
        ownerId: actor.user.id,
        memberIds: found.map((f) => f.id),
      });
      // Founding members took revs 2..n+1 in this order (chats.repo.createGroup).
      for (const [i, user] of found.entries()) {
        publish({
          kind: 'user',
          userId: user.id,
          event: { type: 'member.joined', chatId: chat.id, user: toUser(user), rev: i + 2 },
        });
      }
      return view(chat.id, actor.user.id);
    },

    async direct(actor: Actor, username: string): Promise<Chat> {
      const other = await users.findByUsername(username);
      if (!other) throw notFound(`User "${username}"`);
      if (other.id === actor.user.id) throw badRequest('A direct chat needs another user');
      // Opening a direct chat that exists (how a client opens any conversation) starts nothing:
      // it costs no chat of the hour, and is never refused for the limit.
      const existing = await chats.findDirect(actor.user.id, other.id);
      if (existing) return view(existing.id, actor.user.id);
      await limits.chatCreates.consume(actor.user.id);
      const { chat, created } = await chats.getOrCreateDirect(actor.user.id, other.id);
      // The other user created it meanwhile: nothing started here either.
      if (!created) await limits.chatCreates.refund(actor.user.id);
      if (created)
        publish({
          kind: 'user',
          userId: other.id,
          event: { type: 'member.joined', chatId: chat.id, user: actor.user, rev: chat.lastRev },
        });
      return view(chat.id, actor.user.id);
    },

    async get(actor: Actor, chatId: string): Promise<ChatDetailResponse> {
      const access = await authorize(chats, chatId, actor.user.id, 'read');
      const [chat, members] = await Promise.all([view(chatId, actor.user.id), chats.members(chatId)]);
      const reader = access.member === undefined;
      return { chat, members: members.map((m) => toMember(m.member, m.user, reader ? 'anyone' : 'member')) };
    },

    async join(actor: Actor, chatId: string): Promise<Chat> {
      const access = await loadAccess(chats, chatId, actor.user.id);
      if (!access.member) {
        if (access.barred) throw forbidden(REMOVED);
        assertAllowed(rules.join(access), 'Only public group chats can be joined');
        const joined = await chats.join(chatId, actor.user.id);
        if (joined) announceMember('member.joined', chatId, actor.user, joined.rev);
      }
      return view(chatId, actor.user.id);
    },

    async addMember(actor: Actor, chatId: string, username: string): Promise<Member> {
      const access = await authorize(chats, chatId, actor.user.id, 'addMember');
      const user = await users.findByUsername(username);
      if (!user) throw notFound(`User "${username}"`);
      await assertAddable(actor, [user]);
      await limits.memberAdds.consume(actor.user.id);
      // Someone removed (or demoted) meanwhile adds no one (decided again under the row lock).
      const recheck = underLock(actor, access, rules.addMember, 'Not allowed to add members to this chat');
      // An add that puts no one into the chat (already a member, or refused under the lock)
      // gives its point back: the limit counts people put into chats, not attempts.
      const member = await chats.addMember(chatId, user.id, 'member', recheck).catch(async (err: unknown) => {
        await limits.memberAdds.refund(actor.user.id);
        throw err;
      });
      if (!member) {
        await limits.memberAdds.refund(actor.user.id);
        // No one put in: the chat was deleted meanwhile (404, as for any chat not there), or
        // they are in it already.
        if (!(await chats.findWithMembership(chatId, actor.user.id))) throw notFound('Chat');
        throw conflict(`"${user.username}" is already a member`);
      }
      announceMember('member.joined', chatId, toUser(user), member.rev);
      return toMember(member, user);
    },

    async changeRole(
      actor: Actor,
      chatId: string,
      userId: string,
      role: 'admin' | 'member',
    ): Promise<Member> {
      const { access, target } = await loadMemberAction(actor, chatId, userId);
      const denied = 'Only the owner may change roles';
      assertAllowed(rules.changeRole(access, target.member), denied);
      // Decided again under the chat's lock: the owner may have left (their heir must not be
      // demoted by a request checked before), and a repeat racing the first sees its result.
      let now = target.member;
      const updated = await chats.setRole(chatId, userId, role, {
        actorId: actor.user.id,
        targetId: userId,
        allowed: (standing) => {
          if (!standing.target) throw notFound('Member');
          const current = { chat: access.chat, member: standing.actor };
          assertAllowed(rules.changeRole(current, standing.target), denied);
          now = standing.target;
        },
      });
      // The same role again changes nothing and burns no rev.
      if (!updated) return toMember(now, target.user);
      const event = toMember(updated, target.user, 'anyone');
      announce(chatId, userId, { type: 'member.updated', chatId, member: event, rev: updated.rev });
      return toMember(updated, target.user);
    },

    /** Leave (self) or remove (owner/admin). The removed user's events stop right after member.left. */
    async removeMember(actor: Actor, chatId: string, userId: string): Promise<void> {
      const { access, target } = await loadMemberAction(actor, chatId, userId);
      const denied = 'Not allowed to remove this member';
      assertAllowed(rules.removeMember(access, target.member, actor.user.id), denied);
      // Decided again under the chat's lock: someone who left (or lost their role) meanwhile
      // removes no one.
      const result = await chats.removeMember(chatId, userId, {
        actorId: actor.user.id,
        targetId: userId,
        allowed: (standing) => {
          if (!standing.target) return; // gone meanwhile: nothing to remove
          const current = { chat: access.chat, member: standing.actor };
          assertAllowed(rules.removeMember(current, standing.target, actor.user.id), denied);
        },
      });
      if (!result) return;
      if (result.chatDeleted) {
        const event: ServerEvent = { type: 'chat.deleted', chatId };
        publish({ kind: 'chat', chatId, event });
        publish({ kind: 'user', userId, event });
        return;
      }
      announceMember('member.left', chatId, toUser(target.user), result.rev);
      if (result.heir) {
        // The owner left: the heir's promotion is announced like any role change.
        const [user] = await chats.usersByIds([result.heir.userId]);
        if (user) {
          const member = toMember(result.heir, user, 'anyone');
          announce(chatId, user.id, { type: 'member.updated', chatId, member, rev: result.heir.rev });
        }
      }
    },

    /**
     * The owner renames the chat and/or sets its description: one rev, one `chat.updated` to the
     * subscribers in rev order (the web app subscribes to every chat of its list).
     */
    async updateInfo(actor: Actor, chatId: string, patch: { title?: string; description?: string }) {
      const access = await loadAccess(chats, chatId, actor.user.id);
      const denied = 'Only the owner may rename or describe this chat';
      assertAllowed(rules.editInfo(access), denied);
      const row = await chats.updateInfo(chatId, patch, underLock(actor, access, rules.editInfo, denied));
      if (row) {
        const event: ServerEvent = {
          type: 'chat.updated',
          chatId,
          title: row.title,
          description: row.description,
          rev: row.infoRev,
        };
        publish({ kind: 'chat', chatId, event });
      }
      return view(chatId, actor.user.id);
    },

    /** The owner deletes the chat for everyone; its members' sockets learn it live. */
    async deleteChat(actor: Actor, chatId: string): Promise<void> {
      const access = await loadAccess(chats, chatId, actor.user.id);
      const denied = 'Only the owner may delete this chat';
      assertAllowed(rules.deleteChat(access), denied);
      // An owner who left meanwhile deletes nothing (decided again under the row lock).
      const memberIds = await chats.deleteChat(chatId, underLock(actor, access, rules.deleteChat, denied));
      if (!memberIds) throw notFound('Chat');
      const event: ServerEvent = { type: 'chat.deleted', chatId };
      publish({ kind: 'chat', chatId, event });
      for (const userId of memberIds) publish({ kind: 'user', userId, event });
    },

    /** Mutes or unmutes the chat for the caller; their other sockets (tabs, devices) follow live. */
    async setMuted(actor: Actor, chatId: string, muted: boolean): Promise<void> {
      const access = await loadAccess(chats, chatId, actor.user.id);
      assertAllowed(access.member !== undefined, 'Not a member of this chat');
      if (!(await chats.setMuted(chatId, actor.user.id, muted))) throw notFound('Chat');
      publish({ kind: 'user', userId: actor.user.id, event: { type: 'chat.muted', chatId, muted } });
    },

    /** Where the chat stands (its rev and lastSeq), read in the same statement as the check. */
    async readPosition(actor: Actor, chatId: string): Promise<{ rev: number; lastSeq: number }> {
      const { chat } = await authorize(chats, chatId, actor.user.id, 'read');
      return { rev: chat.lastRev, lastSeq: chat.lastSeq };
    },

    /** Typing is ephemeral: checked like a post, published, never stored. */
    async startTyping(actor: Actor, chatId: string): Promise<void> {
      const key = chatId.toLowerCase();
      // Within the window nothing is published, but the frame is still answered as its access
      // stands: a member removed a moment ago is told so, not `ok`.
      if (typing.recent(key, actor.user.id)) {
        await authorize(chats, chatId, actor.user.id, 'post');
        return;
      }
      // Counted before the check, so the frames that arrive while it runs are the window's too;
      // forgotten if it refuses, so a non-member is told so every time.
      typing.sent(key, actor.user.id);
      const access = await authorize(chats, chatId, actor.user.id, 'post').catch((err: unknown) => {
        typing.forget(key, actor.user.id);
        throw err;
      });
      // `rev`: the chat as the check saw it; the hub brings its subscribers up to it first, so a
      // departure it has not heard of yet is applied before this reaches anyone.
      publish({
        kind: 'chat',
        chatId,
        event: { type: 'typing', chatId, user: actor.user },
        rev: access.chat.lastRev,
      });
    },

    /**
     * Their message clears the author's indicator in every client, so the `typing` of their next
     * one is news at once: held back to the window's end, a quick follow-up showed no indicator.
     */
    typingEnded(chatId: string, userId: string): void {
      typing.forget(chatId.toLowerCase(), userId);
    },

    memberIds: (chatId: string) => chats.memberIds(chatId),

    /** PROTOCOL.md › Chats: the read marker moves forward only, never past lastSeq. */
    async markRead(actor: Actor, chatId: string, seq: number): Promise<void> {
      const access = await authorize(chats, chatId, actor.user.id, 'markRead');
      const moved = await chats.markRead(chatId, actor.user.id, seq);
      if (moved !== undefined) {
        // To the reader's own sockets (PROTOCOL), and, an addition, to the chat's subscribers,
        // so "seen by" is live without per-message rows or polling.
        const event = { type: 'read' as const, chatId, userId: actor.user.id, seq: moved };
        publish({ kind: 'user', userId: actor.user.id, event });
        publish({ kind: 'chat', chatId, event, rev: access.chat.lastRev });
      }
    },

    usersByIds: async (ids: string[]) => (await chats.usersByIds(ids)).map(toUser),
  };
}
export type ChatsService = ReturnType<typeof createChatsService>;
