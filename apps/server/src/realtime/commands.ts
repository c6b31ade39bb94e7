import type { ClientFrameOf, ClientFrameType, ReplyData } from '@chatsockets/protocol';
import type { ChangesService } from '../changes/changes.service.js';
import type { ChatsService } from '../chats/chats.service.js';
import { withDeadline } from '../deadline.js';
import type { MessagesService } from '../messages/messages.service.js';
import type { Metrics } from '../ops/metrics.js';
import type { ReactionsService } from '../reactions/reactions.service.js';
import { withinBudget } from './catch-up-budget.js';
import type { Connection } from './connection.js';
import type { Hub } from './hub.js';

type Handler<K extends ClientFrameType> = (
  conn: Connection,
  frame: ClientFrameOf<K>,
) => Promise<ReplyData[K]>;
export type Commands = { [K in ClientFrameType]: Handler<K> };

/**
 * What each client frame does (PROTOCOL.md › WebSocket). The same services as HTTP, so both
 * transports share one send path and one set of access rules. A new frame type in the
 * protocol breaks the build here until it is handled.
 */
export function createCommands(deps: {
  chats: ChatsService;
  messages: MessagesService;
  changes: ChangesService;
  reactions: ReactionsService;
  hub: Hub;
  metrics: Metrics;
  deadlineMs: number;
}) {
  const { chats, messages, changes, reactions, hub, metrics, deadlineMs } = deps;

  return {
    /**
     * Exactly once across the catch-up/live boundary: register the live subscription first,
     * then read where the chat stands together with the access check, read what was missed, reply, and flush
     * what arrived meanwhile minus changes the reply covered (ARCHITECTURE.md › subscribe).
     * Checking AFTER registering closes the race with a removal: one committed before the
     * check is refused here, one after it reaches this subscription through the hub in rev
     * order, `member.left` and then nothing.
     */
    async subscribe(conn, { chatId, afterSeq, afterRev }) {
      hub.beginSubscription(conn, chatId);
      try {
        const read = async () => {
          // Where the chat stands and the check, in one statement (one snapshot): a departure at
          // or before `at.rev` is seen by the check; one after it is forwarded to this
          // subscription, which it then ends.
          const at = await chats.readPosition(conn.actor, chatId);
          // Presence is for members (PROTOCOL.md › Presence): a public chat's reader gets
          // `online: []` and no `presence` events; a member, those online who show it.
          const memberIds = await chats.memberIds(chatId);
          const member = memberIds.includes(conn.userId);
          const onlineIds = await hub.onlineSeenBy(conn.userId, member ? memberIds : []);
          const online = onlineIds.size ? await chats.usersByIds([...onlineIds]) : [];
          // Read no more than the reply can carry (half the send buffer, as below). Messages
          // created after the check come live; one changed since comes here, at its newer rev.
          const maxBytes = conn.sendBufferMax / 2;
          const caughtUp =
            afterRev !== undefined
              ? {
                  missed: [],
                  ...(await changes.between(chatId, afterRev, at.rev, undefined, {
                    maxBytes,
                    upToSeq: at.lastSeq,
                    to: member ? 'feed' : 'anyone',
                  })),
                }
              : afterSeq !== undefined
                ? { changes: [], ...(await messages.missedAfter(chatId, afterSeq, at.lastSeq, maxBytes)) }
                : { missed: [], changes: [], hasMore: false };
          // A message newer than the check was read after it: the caller may have been removed
          // meanwhile, and must not get it then. Checked again after the read (a removal later
          // than that reaches this subscription as member.left, in rev order).
          const newer = (m: { rev: number }) => m.rev > at.rev;
          if (
            caughtUp.missed.some(newer) ||
            caughtUp.changes.some((c) => c.type === 'message' && newer(c.message))
          )
            await chats.readPosition(conn.actor, chatId);
          return { at, caughtUp, online, member };
        };
        const { at, caughtUp: whole, online, member } = await withDeadline(read(), deadlineMs);
        // Before the reply, whose flush then lets the presence it buffered through (or not).
        if (member) hub.markMember(conn, chatId);
        // Half the send buffer: the reply must fit beside live events already buffered.
        const fitted = withinBudget(whole, conn.sendBufferMax / 2);
        // With more to page, a client's rev cursor becomes the last change's rev: a message newer
        // than the check would put it past live changes it has not had. Such a message comes with
        // the pages instead, as it is then.
        const caughtUp = fitted.hasMore
          ? {
              ...fitted,
              changes: fitted.changes.filter((c) => c.type !== 'message' || c.message.rev <= at.rev),
            }
          : fitted;
        // Readers hear no typing either (hub.ts › forward).
        const typing = member ? hub.typingIn(chatId) : [];
        const lastSeq = Math.max(at.lastSeq, caughtUp.missed.at(-1)?.seq ?? 0);
        // The reply must leave before the buffered events. Never past the chat's end: a client
        // that claims more than there is (a restored server, a stale cache) would have every new
        // message dropped as one it already holds. By rev, or with no cursor, it holds (or does
        // not want as new) every message up to where the chat stood: a change of one read back
        // later comes as an update of it, not as a new message.
        const sentSeq =
          afterRev !== undefined || afterSeq === undefined
            ? at.lastSeq
            : (caughtUp.missed.at(-1)?.seq ?? Math.min(afterSeq, at.lastSeq));
        conn.afterReply(() => hub.completeSubscription(conn, chatId, at.rev, sentSeq));
        return { chatId, lastSeq, rev: at.rev, ...caughtUp, typing, online };
      } catch (err) {
        hub.unsubscribe(conn, chatId);
        throw err;
      }
    },

    async unsubscribe(conn, { chatId }) {
      hub.unsubscribe(conn, chatId);
      return {};
    },

    async 'message.send'(conn, { chatId, clientId, body, replyToId, attachmentIds }) {
      const started = performance.now();
      const { message } = await messages.send(conn.actor, chatId, {
        clientId,
        body,
        ...(replyToId !== undefined ? { replyToId } : {}),
        ...(attachmentIds !== undefined ? { attachmentIds } : {}),
      });
      metrics.sendAcked('ws', started);
      return { message };
    },

    async 'message.edit'(conn, { messageId, body }) {
      return { message: await messages.edit(conn.actor, messageId, body) };
    },

    async 'message.delete'(conn, { messageId }) {
      await messages.delete(conn.actor, messageId);
      return {};
    },

    async typing(conn, { chatId }) {
      await chats.startTyping(conn.actor, chatId);
      return {};
    },

    async read(conn, { chatId, seq }) {
      await chats.markRead(conn.actor, chatId, seq);
      return {};
    },

    async 'reaction.add'(conn, { messageId, emoji }) {
      await reactions.add(conn.actor, messageId, emoji);
      return {};
    },

    async 'reaction.remove'(conn, { messageId, emoji }) {
      await reactions.remove(conn.actor, messageId, emoji);
      return {};
    },

    async 'message.pin'(conn, { messageId }) {
      return { message: await messages.pin(conn.actor, messageId) };
    },

    async 'message.unpin'(conn, { messageId }) {
      return { message: await messages.unpin(conn.actor, messageId) };
    },

    async ping() {
      return { serverTime: new Date().toISOString() };
    },
  } satisfies Commands;
}
