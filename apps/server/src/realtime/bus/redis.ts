import type { Redis } from 'ioredis';
import { logStateChanges, type RedisLog } from '../../redis.js';
import type { Bus, BusHandler, BusMessage } from './bus.js';

export interface RedisBusOptions {
  /** The shared fail-fast command connection (see connectRedis); publishes go through it. Owned by the caller. */
  redis: Redis;
  /** The one pub/sub channel every instance of this deployment shares. */
  channel: string;
  /** Tells this instance's own messages apart (they are delivered locally, not via Redis). */
  instanceId: string;
  log: RedisLog;
  /** Both connections are pinged this often; one that fails twice in a row is dropped and reconnected. */
  watchdogMs?: number;
}

/**
 * On the wire, one text per message: the publishing instance's id, a newline, then the
 * BusMessage as JSON, or `resync` meaning "my publishes were lost; catch up from the
 * database" (sent once the publisher is back after a failed publish). The id comes first so
 * an instance skips its own messages without parsing them.
 */
const RESYNC = 'resync';

/** What this bus has received from Redis (other instances' messages), for /metrics and the bench. */
export interface BusReceived {
  chat: number;
  other: number;
  bytes: number;
}

const busDown = (why: string) => Object.assign(new Error(`bus unavailable: ${why}`), { unavailable: true });

interface Following {
  confirmed: boolean;
  promise: Promise<void>;
  resolve: () => void;
}

/**
 * The bus across instances, over Redis pub/sub.
 *
 * `chat` messages go to one sharded channel per chat (Redis 7 SPUBLISH/SSUBSCRIBE, which Redis
 * Cluster routes to the chat's shard), and an instance subscribes to the channels of the chats
 * it has subscribers of (`follow`, driven by the hub). So an instance receives, parses and
 * routes only the traffic of its own subscribers' chats: the work per delivery stays flat as
 * instances are added. Everything else (`user`, `presence`, `session.revoked`, and the
 * `resync` notice) is wanted by every instance and goes to the one channel all of them share.
 * Order is kept per publisher and channel, so per chat: the hub orders a chat's events by rev
 * anyway and needs nothing across chats.
 *
 * Local first: a message is handed to this instance's handlers synchronously, then published;
 * other instances get it from Redis, and this instance skips its own copy. So sockets on the
 * publishing instance keep getting live events while Redis is down, and `publish` rejects fast
 * (the command connection has no offline queue) so callers never wait on an outage.
 *
 * Redis pub/sub is at-most-once. Losses are repaired from Postgres by the hubs:
 * - after the subscriber connection comes back (it reconnects on its own, then re-subscribes
 *   every channel) `onResync` fires;
 * - when another instance's publisher comes back after a failed publish (`resync` notice);
 * - when a chat's channel is confirmed (`follow` resolves): what was published before that
 *   moment, including during an outage, is read back by the hub.
 */
export function createRedisBus(opts: RedisBusOptions): Bus {
  const { redis, channel, instanceId, log } = opts;
  const handlers = new Set<BusHandler>();
  const resyncHandlers = new Set<() => void>();
  const following = new Map<string, Following>();
  const received: BusReceived = { chat: 0, other: 0, bytes: 0 };
  const ownPrefix = `${instanceId}\n`;
  const chatChannel = (chatId: string) => `${channel}:chat:{${chatId}}`;
  let closed = false;
  let subscribed = false;
  /** Counts subscriber connections: what a lost one confirmed does not count on the next. */
  let generation = 0;
  /** A publish failed: once the publisher is back, tell every other instance to catch up. */
  let lostPublishes = false;

  const sub = redis.duplicate({
    connectionName: `${channel}:sub:${instanceId}`,
    autoResubscribe: false, // re-subscribed by hand below, so the resync follows a confirmed SUBSCRIBE
  });
  logStateChanges(sub, `${channel}:sub`, log);

  function deliver(message: BusMessage) {
    for (const handler of handlers) {
      try {
        handler(message);
      } catch (err) {
        log.warn({ err: { message: (err as Error).message }, kind: message.kind }, 'bus handler failed');
      }
    }
  }

  function resync(reason: string) {
    if (closed) return;
    log.info({ reason }, 'bus resync: catching up from the database');
    for (const handler of resyncHandlers) handler();
  }

  function onText(text: string, isChat: boolean) {
    if (text.startsWith(ownPrefix)) return; // already delivered locally
    const nl = text.indexOf('\n');
    const body = text.slice(nl + 1);
    received.bytes += text.length;
    if (body === RESYNC) return resync(`instance ${text.slice(0, nl)} lost publishes`);
    let message: BusMessage;
    try {
      message = JSON.parse(body) as BusMessage;
    } catch {
      log.warn({ size: text.length }, 'bus: unparseable message dropped');
      return;
    }
    if (isChat) received.chat++;
    else received.other++;
    deliver(message);
  }
  sub.on('message', (_channel: string, text: string) => onText(text, false));
  sub.on('smessage', (_channel: string, text: string) => onText(text, true));

  /** SSUBSCRIBEs the chats; each one's `follow` resolves once Redis confirmed it (if still wanted). */
  function subscribeChats(entries: Array<[string, Following]>) {
    for (const [chatId, f] of entries) {
      // One command per channel: on Redis Cluster the channels of one SSUBSCRIBE must share a slot.
      sub.ssubscribe(chatChannel(chatId)).then(
        () => {
          if (following.get(chatId) !== f || f.confirmed) return;
          f.confirmed = true;
          f.resolve();
        },
        (err: Error) => {
          if (sub.status !== 'ready') return; // the reconnect subscribes it again
          log.warn({ err: { message: err.message } }, 'bus ssubscribe failed; reconnecting');
          sub.disconnect(true);
        },
      );
    }
  }

  // Every (re)connect: SUBSCRIBE the shared channel and SSUBSCRIBE every followed chat, and
  // only once Redis confirmed them, catch up. Anything committed after that point arrives live;
  // anything before is read from the database; the hub drops revs it already forwarded. The
  // first connect resyncs too: sockets may have subscribed while Redis was still unreachable.
  sub.on('ready', () => {
    const gen = generation;
    const chatsNow = [...following.entries()];
    // First a shard channel nobody publishes to, kept for the connection's life: ioredis leaves
    // subscriber mode when an SUNSUBSCRIBE reply counts zero shard channels, although the shared
    // channel is still subscribed, and then takes its messages for command replies.
    const anchor = sub.ssubscribe(`${channel}:chat:{anchor:${instanceId}}`);
    subscribeChats(chatsNow);
    Promise.all([anchor, sub.subscribe(channel), ...chatsNow.map(([, f]) => f.promise)]).then(
      () => {
        if (gen !== generation || closed) return;
        subscribed = true;
        resync('subscriber connected');
      },
      (err: Error) => {
        log.warn({ err: { message: err.message } }, 'bus subscribe failed; reconnecting');
        sub.disconnect(true);
      },
    );
  });
  sub.on('close', () => {
    subscribed = false;
    generation++;
    // What was confirmed on the lost connection must be confirmed again on the next one; the
    // old promises are settled so nothing waits on them (the generation voids what they start).
    for (const [chatId, f] of following) {
      f.resolve();
      following.set(chatId, pending());
    }
  });

  function pending(): Following {
    let resolve: () => void = () => {};
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    return { confirmed: false, promise, resolve };
  }

  async function announceLostPublishes() {
    if (!lostPublishes || closed || redis.status !== 'ready') return;
    lostPublishes = false;
    await redis.publish(channel, `${instanceId}\n${RESYNC}`).catch(() => {
      lostPublishes = true;
    });
  }
  const onPublisherReady = () => void announceLostPublishes();
  redis.on('ready', onPublisherReady);

  // A half-open TCP connection looks `ready` forever while nothing arrives: ping both sides.
  const failures = new Map<Redis, number>();
  const watchdog = setInterval(() => {
    void announceLostPublishes();
    for (const conn of [redis, sub]) {
      if (conn.status !== 'ready') continue;
      conn.ping().then(
        () => failures.set(conn, 0),
        () => {
          const n = (failures.get(conn) ?? 0) + 1;
          failures.set(conn, n);
          if (n >= 2 && conn.status === 'ready') {
            log.warn({ redis: conn === sub ? 'sub' : 'pub' }, 'redis connection silent; reconnecting');
            failures.set(conn, 0);
            conn.disconnect(true);
          }
        },
      );
    }
  }, opts.watchdogMs ?? 5000);
  watchdog.unref();

  return {
    kind: 'redis',

    async publish(message: BusMessage) {
      if (closed) throw busDown('closed');
      deliver(message);
      const text = `${instanceId}\n${JSON.stringify(message)}`;
      try {
        if (message.kind === 'chat') await redis.spublish(chatChannel(message.chatId), text);
        else await redis.publish(channel, text);
      } catch (err) {
        lostPublishes = true;
        // A publish can time out on a dead socket after the connection is already back (its
        // 'ready' came and went with nothing to announce): announce now, not at the watchdog.
        void announceLostPublishes();
        throw busDown((err as Error).message);
      }
    },

    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },

    follow(chatId) {
      const known = following.get(chatId);
      if (known) return known.promise;
      const f = pending();
      following.set(chatId, f);
      // Not ready: the next 'ready' subscribes every followed chat.
      if (sub.status === 'ready') subscribeChats([[chatId, f]]);
      return f.promise;
    },

    unfollow(chatId) {
      const f = following.get(chatId);
      if (!f) return;
      following.delete(chatId);
      f.resolve(); // nobody waits for a chat no longer followed
      if (sub.status === 'ready') sub.sunsubscribe(chatChannel(chatId)).catch(() => {});
    },

    received: () => ({ ...received }),

    onResync(handler) {
      resyncHandlers.add(handler);
      return () => resyncHandlers.delete(handler);
    },

    healthy: () => !closed && subscribed && sub.status === 'ready' && redis.status === 'ready',

    async close() {
      closed = true;
      clearInterval(watchdog);
      redis.off('ready', onPublisherReady);
      handlers.clear();
      resyncHandlers.clear();
      following.clear();
      sub.disconnect();
    },
  };
}
