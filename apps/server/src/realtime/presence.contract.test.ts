import type { Redis } from 'ioredis';
import { presenceContract } from '../../test/contracts/presence.contract.js';
import {
  adminConnection,
  commandConnection,
  quietLog,
  redisUrl,
  uniquePrefix,
} from '../../test/contracts/redis.js';
import { closeRedis } from '../redis.js';
import { createMemoryPresence, type Presence } from './presence.js';
import { createRedisPresence } from './presence-redis.js';

presenceContract('memory', async () => ({
  instances: 1,
  instance: async () => createMemoryPresence(),
  cleanup: async () => {},
}));

const TTL_MS = 600;

presenceContract('redis', async () => {
  const url = redisUrl();
  if (!url) return undefined;
  const prefix = uniquePrefix('presence');
  const admin = await adminConnection(url);
  const connections = new Map<Presence, Redis>();
  return {
    instances: 2,
    ttlMs: TTL_MS,
    async instance() {
      const instanceId = `i${connections.size}`;
      const redis = await commandConnection(url, `${prefix}:cmd:${instanceId}`);
      const presence = createRedisPresence({ redis, prefix, instanceId, ttlMs: TTL_MS, log: quietLog });
      connections.set(presence, redis);
      return presence;
    },
    // Its connection cut for good: heartbeats stop, nothing is unregistered.
    async crash(presence) {
      connections.get(presence)!.disconnect();
    },
    async loseState() {
      const keys = await admin.keys(`${prefix}:*`);
      if (keys.length > 0) await admin.del(...keys);
    },
    async cleanup() {
      for (const redis of connections.values()) await closeRedis(redis);
      const keys = await admin.keys(`${prefix}:*`);
      if (keys.length > 0) await admin.del(...keys);
      admin.disconnect();
    },
  };
});
