import { type ChangesResponse, type ChatChange, LIMITS } from '@chatsockets/protocol';
import type { Actor } from '../auth/auth.service.js';
import { toUser } from '../auth/users.mapper.js';
import { authorize } from '../chats/access.js';
import { toMember } from '../chats/chats.mapper.js';
import type { ChatsRepo } from '../chats/chats.repo.js';
import { isId } from '../db/ids.js';
import { notFound } from '../errors.js';
import { toMessage } from '../messages/messages.mapper.js';
import type { ChangeRow, ChangesRepo } from './changes.repo.js';

/** `to`: who gets it (chats.mapper.ts › toMember): `anyone` unless only members do. */
const toChange = (row: ChangeRow, to: 'feed' | 'anyone' = 'anyone'): ChatChange => {
  switch (row.type) {
    case 'message':
      return { type: 'message', rev: row.rev, message: toMessage(row.message) };
    case 'member':
      return { type: 'member', rev: row.rev, member: toMember(row.member, row.user, to) };
    case 'left':
      return { type: 'left', rev: row.rev, user: toUser(row.user) };
    case 'chat':
      return { type: 'chat', rev: row.rev, title: row.title, description: row.description };
  }
};

/** A chat's change log (ARCHITECTURE.md › Change cursor): for clients, and for the hub's gap fill. */
export function createChangesService(deps: { changes: ChangesRepo; chats: ChatsRepo }) {
  const { changes, chats } = deps;

  /** Internal (no access check): the chat's rev and lastSeq now, read before its changes. */
  async function position(chatId: string) {
    const at = isId(chatId) ? await changes.position(chatId) : undefined;
    if (!at) throw notFound('Chat');
    return at;
  }

  /** Internal (no access check): changes after `afterRev` up to `chatRev`, a page. */
  async function between(
    chatId: string,
    afterRev: number,
    chatRev: number,
    limit: number = LIMITS.changesMax,
    opts: { maxBytes?: number; upToSeq?: number; to?: 'feed' | 'anyone' } = {},
  ) {
    const page = await changes.between(chatId, afterRev, chatRev, limit, opts);
    return { changes: page.changes.map((row) => toChange(row, opts.to)), hasMore: page.hasMore };
  }

  /**
   * Internal (no access check): what the hub forwards to fill a hole or resync; `undefined` when
   * the chat is gone (deleted while the bus lost its `chat.deleted`).
   */
  async function after(chatId: string, afterRev: number, limit?: number) {
    const at = isId(chatId) ? await changes.position(chatId) : undefined;
    return at && between(chatId, afterRev, at.rev, limit);
  }

  return {
    position,
    between,
    after,

    async page(actor: Actor, chatId: string, afterRev = 0, limit?: number): Promise<ChangesResponse> {
      const access = await authorize(chats, chatId, actor.user.id, 'read');
      const chatRev = (await position(chatId)).rev;
      const page = await between(chatId, afterRev, chatRev, limit, {
        to: access.member === undefined ? 'anyone' : 'feed',
      });
      // Where the client stands once it applied the page: the next page starts there. Never a
      // cursor past the chat's end echoed back (a restored server, a client's bug): kept, it would
      // skip every change up to it.
      const rev = page.hasMore ? page.changes.at(-1)!.rev : chatRev;
      return { chatId, rev, changes: page.changes, hasMore: page.hasMore };
    },
  };
}
export type ChangesService = ReturnType<typeof createChangesService>;
