import { Redis } from 'ioredis';

export interface RedisLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * Reconnect forever: 100 ms doubling up to 2 s, each delay jittered down to half, so a fleet
 * of instances does not hit a restarted Redis in lockstep.
 */
export function reconnectDelay(attempt: number): number {
  const ceiling = Math.min(2000, 100 * 2 ** Math.min(attempt, 5));
  return Math.round(ceiling * (0.5 + Math.random() / 2));
}

/**
 * A command connection that fails fast, for everything that must not wait on Redis (bus
 * publish, presence, rate limits): while Redis is unreachable a command rejects at once (no
 * offline queue), and a hung Redis rejects after `commandTimeoutMs`. It reconnects on its own.
 * State changes are logged once each, not on every retry.
 */
export function connectRedis(
  url: string,
  opts: { name: string; log: RedisLog; commandTimeoutMs?: number },
): Redis {
  const client = new Redis(url, {
    connectionName: opts.name,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    commandTimeout: opts.commandTimeoutMs ?? 2000,
    connectTimeout: 2000,
    maxRetriesPerRequest: 1,
    retryStrategy: reconnectDelay,
  });
  logStateChanges(client, opts.name, opts.log);
  return client;
}

/** An `error` listener always (ioredis would print every failed retry otherwise); a line per transition. */
export function logStateChanges(client: Redis, name: string, log: RedisLog): void {
  let up = false;
  let lastError = '';
  client.on('error', (err: Error) => {
    lastError = err.message;
  });
  client.on('ready', () => {
    up = true;
    log.info({ redis: name }, 'redis connection ready');
  });
  client.on('close', () => {
    if (!up) return;
    up = false;
    log.warn({ redis: name, err: { message: lastError || 'connection closed' } }, 'redis connection lost');
  });
}

/** Closes a connection without waiting on a Redis that may be gone. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    await client.quit().catch(() => client.disconnect());
  } else {
    client.disconnect();
  }
}
