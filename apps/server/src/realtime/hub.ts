import { CLOSE_CODES, type Message, type ServerEvent, type User } from '@chatsockets/protocol';
import { loggableError } from '../errors.js';
import type { Bus, BusMessage } from './bus/bus.js';
import type { Connection } from './connection.js';
import type { Presence } from './presence.js';
import type { TypingStore } from './typing.js';

export interface HubDeps {
  bus: Bus;
  presence: Presence;
  typing: TypingStore;
  /** Committed messages of a chat after `afterSeq`, ascending (gap fill and resync). */
  messagesAfter(chatId: string, afterSeq: number): Promise<Message[]>;
  chatIdsOf(userId: string): Promise<string[]>;
  /** For presence changes reported by another instance's death (Presence.onExternalChange). */
  usersByIds(userIds: string[]): Promise<User[]>;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/** Per chat with local subscribers: the highest seq forwarded, and a chain that keeps events in order. */
interface ChatRoute {
  subscribers: Set<Connection>;
  forwardedSeq: number | undefined;
  chain: Promise<void>;
}

/**
 * One event, serialized and UTF-8 encoded once, then written as-is to every socket it goes to
 * (a string would be encoded again for each socket).
 */
const encode = (event: ServerEvent) => Buffer.from(JSON.stringify(event));

const index = <K, V>(map: Map<K, Set<V>>, key: K, value: V) => {
  const set = map.get(key) ?? new Set<V>();
  map.set(key, set);
  set.add(value);
};
const unindex = <K, V>(map: Map<K, Set<V>>, key: K, value: V) => {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
};

/**
 * This instance's sockets and what they subscribe to. Everything live arrives here from the
 * bus (this instance's events included), and leaves through each connection's one writer.
 * Each event is serialized once, however many sockets it goes to.
 */
export function createHub(deps: HubDeps) {
  const connections = new Set<Connection>();
  const chats = new Map<string, ChatRoute>();
  const byUser = new Map<string, Set<Connection>>();
  const bySession = new Map<string, Set<Connection>>();
  const leavings = new Set<Promise<void>>();

  function route(chatId: string): ChatRoute | undefined {
    return chats.get(chatId);
  }

  function forward(chatId: string, r: ChatRoute, event: ServerEvent, seq?: number, skipUser?: string) {
    const data = encode(event);
    for (const conn of r.subscribers) if (conn.userId !== skipUser) conn.deliver(chatId, data, seq);
  }

  /**
   * message.created in seq order, exactly once per socket. A seq beyond the next expected one
   * means events were lost or overtaken: the missing ones are already committed (the chat row
   * lock orders commits), so they are read from the database and forwarded first.
   */
  async function forwardCreated(chatId: string, r: ChatRoute, message: Message) {
    if (r.forwardedSeq !== undefined && message.seq <= r.forwardedSeq) {
      forward(chatId, r, { type: 'message.created', message }, message.seq); // late, but a new socket may lack it
      return;
    }
    if (r.forwardedSeq !== undefined && message.seq > r.forwardedSeq + 1)
      await catchUp(chatId, r, message.seq);
    r.forwardedSeq = Math.max(r.forwardedSeq ?? 0, message.seq);
    forward(chatId, r, { type: 'message.created', message }, message.seq);
  }

  /** Forwards the committed messages after the route's position and below `beforeSeq`, page by page. */
  async function catchUp(chatId: string, r: ChatRoute, beforeSeq = Number.POSITIVE_INFINITY) {
    while (r.forwardedSeq !== undefined && r.forwardedSeq < beforeSeq - 1) {
      const page = await deps.messagesAfter(chatId, r.forwardedSeq);
      if (page.length === 0) return;
      for (const m of page) {
        if (m.seq >= beforeSeq) return;
        r.forwardedSeq = Math.max(r.forwardedSeq, m.seq);
        forward(chatId, r, { type: 'message.created', message: m }, m.seq);
      }
    }
  }

  async function onChatEvent(chatId: string, event: ServerEvent) {
    if (event.type === 'typing') {
      if (event.active === false) deps.typing.stop(chatId, event.user.id);
      else deps.typing.start(chatId, event.user);
    }
    if (event.type === 'message.created') deps.typing.stop(chatId, event.message.author.id);
    const r = route(chatId);
    if (!r) return;
    if (event.type === 'message.created') await forwardCreated(chatId, r, event.message);
    else forward(chatId, r, event, undefined, event.type === 'typing' ? event.user.id : undefined);
  }

  /** Chat events run one after another per chat, so order survives the async gap fill. */
  function enqueueChat(chatId: string, task: () => Promise<void> | void) {
    const r = route(chatId);
    if (!r) return void task();
    r.chain = r.chain
      .then(task)
      .catch((err: unknown) => deps.log.error({ err: loggableError(err), chatId }, 'chat event failed'));
  }

  function onBus(message: BusMessage) {
    switch (message.kind) {
      case 'chat':
        return enqueueChat(message.chatId, () => onChatEvent(message.chatId, message.event));
      case 'user': {
        const data = encode(message.event);
        for (const conn of byUser.get(message.userId) ?? []) conn.sendRaw(data);
        return;
      }
      case 'member.removed':
        return enqueueChat(message.chatId, () => {
          for (const conn of byUser.get(message.userId) ?? []) unsubscribe(conn, message.chatId);
        });
      case 'session.revoked':
        for (const conn of bySession.get(message.sessionId) ?? [])
          conn.close(CLOSE_CODES.SESSION_ENDED, 'session ended');
        return;
      case 'presence': {
        const data = encode({ type: 'presence', user: message.user, online: message.online });
        const sent = new Set<Connection>();
        for (const chatId of message.chatIds) {
          for (const conn of route(chatId)?.subscribers ?? []) {
            if (sent.has(conn) || conn.userId === message.user.id) continue;
            sent.add(conn);
            conn.sendRaw(data);
          }
        }
        return;
      }
      default:
        message satisfies never;
    }
  }

  const unsubscribeBus = deps.bus.subscribe(onBus);
  // After the bus lost messages, every subscribed chat catches up from the database.
  const unsubscribeResync = deps.bus.onResync(() => {
    for (const [chatId, r] of chats) {
      enqueueChat(chatId, () => (route(chatId) === r ? catchUp(chatId, r) : undefined));
    }
  });

  async function announcePresence(user: User, online: boolean) {
    try {
      const chatIds = await deps.chatIdsOf(user.id);
      await deps.bus.publish({ kind: 'presence', user, online, chatIds });
      if (!online) {
        for (const chatId of deps.typing.chatsOf(user.id)) {
          await deps.bus.publish({
            kind: 'chat',
            chatId,
            event: { type: 'typing', chatId, user, active: false },
          });
        }
      }
    } catch (err) {
      deps.log.warn({ err: { message: (err as Error).message } }, 'presence announcement failed');
    }
  }

  // Users no local socket event covers (a crashed instance's, or ours after Redis lost them).
  const unsubscribePresence = deps.presence.onExternalChange?.(async ({ userIds, online }) => {
    try {
      for (const user of await deps.usersByIds(userIds)) await announcePresence(user, online);
    } catch (err) {
      deps.log.warn({ err: { message: (err as Error).message } }, 'presence change announcement failed');
    }
  });

  function unsubscribe(conn: Connection, chatId: string) {
    conn.subscriptions.delete(chatId);
    const r = chats.get(chatId);
    if (!r) return;
    r.subscribers.delete(conn);
    if (r.subscribers.size === 0) chats.delete(chatId);
  }

  return {
    async add(conn: Connection) {
      connections.add(conn);
      index(byUser, conn.userId, conn);
      index(bySession, conn.actor.sessionId, conn);
      if (await deps.presence.connected(conn.userId)) await announcePresence(conn.actor.user, true);
    },

    /** The one place a closed connection leaves every index. */
    async remove(conn: Connection) {
      if (!connections.delete(conn)) return;
      for (const chatId of [...conn.subscriptions.keys()]) unsubscribe(conn, chatId);
      unindex(byUser, conn.userId, conn);
      unindex(bySession, conn.actor.sessionId, conn);
      conn.dispose();
      const leaving = (async () => {
        if (await deps.presence.disconnected(conn.userId)) await announcePresence(conn.actor.user, false);
      })();
      leavings.add(leaving);
      await leaving.finally(() => leavings.delete(leaving));
    },

    /** Settles when every removal begun so far has announced its presence: shutdown waits for it. */
    async settled() {
      await Promise.allSettled([...leavings]);
    },

    /** Step 1 of subscribe: live events start buffering BEFORE the catch-up is read. */
    beginSubscription(conn: Connection, chatId: string) {
      conn.subscriptions.set(chatId, { syncing: true, buffered: [], sentSeq: 0 });
      const r = chats.get(chatId) ?? {
        subscribers: new Set(),
        forwardedSeq: undefined,
        chain: Promise.resolve(),
      };
      chats.set(chatId, r);
      r.subscribers.add(conn);
    },

    /**
     * Step 2: after the reply went out, flush what arrived meanwhile, minus seqs the reply
     * already carried. `sentSeq` is the highest seq the client now holds.
     */
    completeSubscription(conn: Connection, chatId: string, sentSeq: number) {
      const sub = conn.subscriptions.get(chatId);
      if (!sub) return;
      const r = chats.get(chatId);
      // Only a new route learns its position here: raising a known one would make in-flight
      // events look late and reorder them for the chat's other sockets.
      if (r && r.forwardedSeq === undefined) r.forwardedSeq = sentSeq;
      sub.syncing = false;
      sub.sentSeq = Math.max(sub.sentSeq, sentSeq);
      const buffered = sub.buffered;
      sub.buffered = [];
      for (const item of buffered) conn.deliver(chatId, item.data, item.seq);
    },

    unsubscribe,

    onlineAmong: (userIds: string[]) => deps.presence.onlineAmong(userIds),
    typingIn: (chatId: string) => deps.typing.typing(chatId),
    socketCount: (userId: string) => deps.presence.socketCount(userId),

    connections: () => connections as ReadonlySet<Connection>,

    stats() {
      return {
        connections: connections.size,
        chats: chats.size,
        users: byUser.size,
        sessions: bySession.size,
        typingChats: deps.typing.size(),
      };
    },

    close() {
      unsubscribeBus();
      unsubscribeResync();
      unsubscribePresence?.();
    },
  };
}
export type Hub = ReturnType<typeof createHub>;
