import type { ClientFrameOf, ClientFrameType, ReplyData } from '@chatsockets/protocol';
import { toUser } from '../auth/users.mapper.js';
import type { ChatsService } from '../chats/chats.service.js';
import { withDeadline } from '../deadline.js';
import type { MessagesService } from '../messages/messages.service.js';
import type { Metrics } from '../ops/metrics.js';
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
  hub: Hub;
  metrics: Metrics;
  deadlineMs: number;
}) {
  const { chats, messages, hub, metrics, deadlineMs } = deps;

  return {
    /**
     * Exactly once across the catch-up/live boundary: register the live subscription first,
     * then read what was missed, reply, and flush what arrived meanwhile minus seqs the
     * reply carried (ARCHITECTURE.md › subscribe).
     */
    async subscribe(conn, { chatId, afterSeq }) {
      // 403/404 before anything is registered
      await withDeadline(chats.assertCanRead(conn.actor, chatId), deadlineMs);
      hub.beginSubscription(conn, chatId);
      try {
        const read = async () => {
          const catchUp = await messages.catchUp(chatId, afterSeq);
          const onlineIds = await hub.onlineAmong(await chats.memberIds(chatId));
          const online = onlineIds.size ? (await chats.repo.usersByIds([...onlineIds])).map(toUser) : [];
          return { ...catchUp, online };
        };
        const { lastSeq, missed, hasMore, online } = await withDeadline(read(), deadlineMs);
        const typing = hub.typingIn(chatId);
        const sentSeq = missed.length
          ? missed[missed.length - 1]!.seq
          : afterSeq === undefined
            ? lastSeq
            : afterSeq;
        // The reply must leave before the buffered events.
        conn.afterReply(() => hub.completeSubscription(conn, chatId, sentSeq));
        return { chatId, lastSeq, missed, hasMore, typing, online };
      } catch (err) {
        hub.unsubscribe(conn, chatId);
        throw err;
      }
    },

    async unsubscribe(conn, { chatId }) {
      hub.unsubscribe(conn, chatId);
      return {};
    },

    async 'message.send'(conn, { chatId, clientId, body }) {
      const started = performance.now();
      const { message } = await messages.send(conn.actor, chatId, { clientId, body });
      metrics.messagesSent.inc({ transport: 'ws' });
      metrics.sendLatency.observe({ transport: 'ws' }, (performance.now() - started) / 1000);
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

    async ping() {
      return { serverTime: new Date().toISOString() };
    },
  } satisfies Commands;
}
