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
 * On the wire: `{o: instanceId, m: BusMessage}`, or `{o, r: 1}` meaning "my publishes were
 * lost; catch up from the database" (sent once the publisher is back after a failed publish).
 */
type Envelope = { o: string; m: BusMessage } | { o: string; r: 1 };

const busDown = (why: string) => Object.assign(new Error(`bus unavailable: ${why}`), { unavailable: true });

/**
 * The bus across instances, over Redis pub/sub: one channel, JSON envelopes.
 *
 * One channel rather than one per kind or per chat: every instance needs every kind (chat
 * events feed the typing store even without local subscribers, revokes and presence go to
 * everyone), so per-kind channels would only multiply subscriptions; and one channel keeps one
 * publisher's messages in publish order across kinds.
 * Per-chat channels (or Redis 7 sharded pub/sub) are the step after this one, when a single
 * channel's fan-out to every instance becomes the bottleneck.
 *
 * Local first: a message is handed to this instance's handlers synchronously, then published;
 * other instances get it from Redis, and this instance skips its own copy. So sockets on the
 * publishing instance keep getting live events while Redis is down, and `publish` rejects fast
 * (the command connection has no offline queue) so callers never wait on an outage.
 *
 * Redis pub/sub is at-most-once. Losses are repaired from Postgres by the hubs (`onResync`):
 * - after the subscriber connection comes back (it reconnects on its own, then re-subscribes);
 * - when another instance's publisher comes back after a failed publish (`r` envelope).
 */
export function createRedisBus(opts: RedisBusOptions): Bus {
  const { redis, channel, instanceId, log } = opts;
  const handlers = new Set<BusHandler>();
  const resyncHandlers = new Set<() => void>();
  let closed = false;
  let subscribed = false;
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

  sub.on('message', (_channel: string, text: string) => {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch {
      log.warn({ size: text.length }, 'bus: unparseable message dropped');
      return;
    }
    if (envelope.o === instanceId) return; // already delivered locally
    if ('r' in envelope) resync(`instance ${envelope.o} lost publishes`);
    else deliver(envelope.m);
  });

  // Every (re)connect: SUBSCRIBE, and only once Redis confirmed it, catch up. Anything committed
  // after that point arrives live; anything before is read from the database; the hub drops
  // seqs it already forwarded. The first connect resyncs too: sockets may have subscribed
  // while Redis was still unreachable at start-up.
  sub.on('ready', () => {
    sub.subscribe(channel).then(
      () => {
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
  });

  async function announceLostPublishes() {
    if (!lostPublishes || closed || redis.status !== 'ready') return;
    lostPublishes = false;
    const envelope: Envelope = { o: instanceId, r: 1 };
    await redis.publish(channel, JSON.stringify(envelope)).catch(() => {
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
      const envelope: Envelope = { o: instanceId, m: message };
      try {
        await redis.publish(channel, JSON.stringify(envelope));
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
      sub.disconnect();
    },
  };
}
