import type { Redis } from 'ioredis';
import { busContract } from '../../../test/contracts/bus.contract.js';
import {
  adminConnection,
  clientIds,
  commandConnection,
  quietLog,
  redisUrl,
  uniquePrefix,
} from '../../../test/contracts/redis.js';
import { closeRedis } from '../../redis.js';
import type { Bus } from './bus.js';
import { createMemoryBus } from './memory.js';
import { createRedisBus } from './redis.js';

busContract('memory', async () => ({
  instances: 1,
  instance: async () => createMemoryBus(),
  cleanup: async () => {},
}));

busContract('redis', async () => {
  const url = redisUrl();
  if (!url) return undefined;
  const channel = uniquePrefix('bus');
  const admin = await adminConnection(url);
  const connections: Redis[] = [];
  const subscriberName = new Map<Bus, string>();
  const commandName = new Map<Bus, string>();
  return {
    instances: 2,
    async instance() {
      const instanceId = `i${connections.length}`;
      const redis = await commandConnection(url, `${channel}:cmd:${instanceId}`);
      connections.push(redis);
      // No watchdog within a test: it would repair late what the bus must repair at once.
      const bus = createRedisBus({ redis, channel, instanceId, log: quietLog, watchdogMs: 60_000 });
      subscriberName.set(bus, `${channel}:sub:${instanceId}`);
      commandName.set(bus, `${channel}:cmd:${instanceId}`);
      return bus;
    },
    // Only this bus's subscriber connection: other suites share the Redis.
    async loseTransport(bus) {
      const ids = await clientIds(admin, subscriberName.get(bus)!);
      if (ids.length !== 1) throw new Error(`expected one subscriber connection, found ${ids.length}`);
      await admin.client('KILL', 'ID', ids[0]!, 'TYPE', 'pubsub');
    },
    async losePublisher(bus) {
      const ids = await clientIds(admin, commandName.get(bus)!);
      if (ids.length !== 1) throw new Error(`expected one command connection, found ${ids.length}`);
      await admin.client('KILL', 'ID', ids[0]!);
    },
    async cleanup() {
      for (const redis of connections) await closeRedis(redis);
      admin.disconnect();
    },
  };
});
