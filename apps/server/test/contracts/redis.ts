import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { connectRedis } from '../../src/redis.js';

/**
 * The Redis the contract suites run their Redis adapters on: REDIS_URL, or none (those cases
 * skip), unless REQUIRE_REDIS=1 said Redis must be there.
 */
export function redisUrl(): string | undefined {
  const url = inject('redisUrl');
  if (!url && inject('requireRedis')) throw new Error('REQUIRE_REDIS=1 but REDIS_URL is not set');
  return url || undefined;
}

/** A key prefix / channel of its own per harness: files and tests run in parallel on one Redis. */
export const uniquePrefix = (what: string) => `cs_contract_${what}_${randomBytes(4).toString('hex')}`;

export const quietLog = { info() {}, warn() {} };

/** The same fail-fast command connection the server uses, connected. */
export async function commandConnection(url: string, name: string): Promise<Redis> {
  const redis = connectRedis(url, { name, log: quietLog });
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
  return redis;
}

/** An ordinary client for the test's own commands (CLIENT LIST/KILL, inspecting keys). */
export async function adminConnection(url: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true });
  await redis.connect();
  return redis;
}

/** Ids of the connections whose name is exactly `name` (CLIENT SETNAME, as ioredis' connectionName). */
export async function clientIds(admin: Redis, name: string): Promise<string[]> {
  const list = (await admin.client('LIST')) as string;
  return list
    .split('\n')
    .filter((line) => line.split(' ').includes(`name=${name}`))
    .map((line) => /(?:^| )id=(\d+)/.exec(line)?.[1])
    .filter((id): id is string => id !== undefined);
}
