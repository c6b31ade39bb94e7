import type { Redis } from 'ioredis';
import type { RedisLog } from '../redis.js';
import { createReservations, type Presence, type PresenceChange } from './presence.js';

export interface RedisPresenceOptions {
  /** The shared fail-fast command connection (see connectRedis). Owned by the caller. */
  redis: Redis;
  /** Key prefix shared by every instance of this deployment. */
  prefix: string;
  instanceId: string;
  /** An instance silent for this long is dead: its sockets stop counting and its users go offline. */
  ttlMs: number;
  log: RedisLog;
}

/*
 * Keys (P = `${prefix}:presence`):
 *   P:instances  zset   instanceId → last heartbeat (ms, Redis clock, so instance clocks never matter)
 *   P:i:<inst>   set    users with sockets on that instance
 *   P:u:<user>   hash   instanceId → sockets that user has open there
 *   P:r:<user>   zset   reservation token → when it lapses (upgrades not yet counted in P:u)
 * Each instance writes only its own fields, as absolute counts (idempotent: a full re-sync
 * after an outage or a Redis restart is the same write). Scripts make each step atomic across
 * instances. Keys are built inside the scripts: single Redis (or Sentinel), not Cluster.
 */
const PRELUDE = `
local p = ARGV[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local zkey = p .. ':instances'
local function ukey(user) return p .. ':u:' .. user end
local function ikey(inst) return p .. ':i:' .. inst end
-- every instance's sockets, dead or not yet reaped (transitions are decided on this)
local function raw(user)
  local sum = 0
  for _, n in ipairs(redis.call('HVALS', ukey(user))) do sum = sum + tonumber(n) end
  return sum
end
-- live instances only (the per-user cap and "who is online" are answered with this)
local function live(user, ttl)
  local sum = 0
  local all = redis.call('HGETALL', ukey(user))
  for i = 1, #all, 2 do
    local beat = redis.call('ZSCORE', zkey, all[i])
    if beat and tonumber(beat) >= now - ttl then sum = sum + tonumber(all[i + 1]) end
  end
  return sum
end
-- removes an instance and its sockets; returns the users that have no socket left anywhere
local function drop(inst)
  local offline = {}
  redis.call('ZREM', zkey, inst)
  for _, user in ipairs(redis.call('SMEMBERS', ikey(inst))) do
    redis.call('HDEL', ukey(user), inst)
    if raw(user) == 0 then table.insert(offline, user) end
  end
  redis.call('DEL', ikey(inst))
  return offline
end
`;

/** ARGV: p, inst, full (0|1), then user, count pairs → {fresh, {user, before, after}...}. Also the heartbeat. */
const SYNC = `${PRELUDE}
local inst, full = ARGV[2], ARGV[3] == '1'
local fresh = redis.call('ZADD', zkey, now, inst)
local out, given = {}, {}
local function set(user, n)
  local before = raw(user)
  if n > 0 then
    redis.call('HSET', ukey(user), inst, n)
    redis.call('SADD', ikey(inst), user)
  else
    redis.call('HDEL', ukey(user), inst)
    redis.call('SREM', ikey(inst), user)
  end
  table.insert(out, {user, before, raw(user)})
end
for i = 4, #ARGV, 2 do
  given[ARGV[i]] = true
  set(ARGV[i], tonumber(ARGV[i + 1]))
end
if full then
  for _, user in ipairs(redis.call('SMEMBERS', ikey(inst))) do
    if not given[user] then set(user, 0) end
  end
end
return {fresh, out}
`;

/** ARGV: p, ttl, self, max → users now offline because instances silent for > ttl were removed. */
const REAP = `${PRELUDE}
local ttl, self, max = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local offline = {}
for _, inst in ipairs(redis.call('ZRANGEBYSCORE', zkey, '-inf', '(' .. (now - ttl), 'LIMIT', 0, max)) do
  if inst ~= self then
    for _, user in ipairs(drop(inst)) do table.insert(offline, user) end
  end
end
return offline
`;

/** ARGV: p, self → users now offline (graceful shutdown). */
const UNREGISTER = `${PRELUDE}
return drop(ARGV[2])
`;

/** ARGV: p, ttl, users... → live socket counts, in order. */
const TOTALS = `${PRELUDE}
local ttl, out = tonumber(ARGV[2]), {}
for i = 3, #ARGV do table.insert(out, live(ARGV[i], ttl)) end
return out
`;

/** ARGV: p, ttl, user, max, token, holdMs → 1 if a slot was free and is now reserved, else 0. */
const RESERVE = `${PRELUDE}
local ttl, user, max, token, hold = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
local rkey = p .. ':r:' .. user
redis.call('ZREMRANGEBYSCORE', rkey, '-inf', now)
if live(user, ttl) + redis.call('ZCARD', rkey) >= max then return 0 end
redis.call('ZADD', rkey, now + hold, token)
redis.call('PEXPIRE', rkey, hold)
return 1
`;

interface PresenceCommands {
  csPresenceSync(...args: string[]): Promise<[number, Array<[string, number, number]>]>;
  csPresenceReap(...args: string[]): Promise<string[]>;
  csPresenceUnregister(...args: string[]): Promise<string[]>;
  csPresenceTotals(...args: string[]): Promise<number[]>;
  csPresenceReserve(...args: string[]): Promise<number>;
}

/**
 * Presence across instances. A user is online while any live instance holds a socket of
 * theirs. Every instance heartbeats every ttl/3 and, in the same tick, reaps instances silent
 * for more than ttl: the reaping instance (exactly one: the script is atomic) reports their
 * users that have no socket left as offline, and the hub announces it. So a crashed
 * instance's users go offline within ttl + ttl/3 of its last heartbeat.
 *
 * Redis trouble never fails a socket: the local count still moves and the local transition is
 * answered; the next heartbeat that reaches Redis re-writes this instance's whole state
 * (also after Redis lost it, or after others reaped this instance during a partition) and
 * reports the users whose state that changed.
 */
export function createRedisPresence(opts: RedisPresenceOptions): Presence {
  const { redis, instanceId, ttlMs, log } = opts;
  const p = `${opts.prefix}:presence`;
  const cmd = redis as unknown as PresenceCommands;
  redis.defineCommand('csPresenceSync', { numberOfKeys: 0, lua: SYNC });
  redis.defineCommand('csPresenceReap', { numberOfKeys: 0, lua: REAP });
  redis.defineCommand('csPresenceUnregister', { numberOfKeys: 0, lua: UNREGISTER });
  redis.defineCommand('csPresenceTotals', { numberOfKeys: 0, lua: TOTALS });
  redis.defineCommand('csPresenceReserve', { numberOfKeys: 0, lua: RESERVE });

  const local = new Map<string, number>();
  // Reservations made while Redis was unreachable: the cap then holds per instance.
  const localReservations = createReservations();
  let reservationSeq = 0;
  const handlers = new Set<(change: PresenceChange) => Promise<void> | void>();
  let registered = false;
  let needFullSync = false;
  let closed = false;
  let ticking = false;

  async function emit(change: PresenceChange) {
    if (change.userIds.length === 0) return;
    for (const handler of handlers) {
      try {
        await handler(change);
      } catch (err) {
        log.warn({ err: { message: (err as Error).message } }, 'presence change handler failed');
      }
    }
  }

  async function sync(pairs: Array<[string, number]>, full = false) {
    const args = [p, instanceId, full ? '1' : '0', ...pairs.flatMap(([u, n]) => [u, String(n)])];
    const [fresh, out] = await cmd.csPresenceSync(...args);
    // Absent from the instance set although registered before: Redis lost its state, or
    // another instance reaped this one. Only a full write restores what others see.
    if (fresh === 1 && registered && !full) needFullSync = true;
    registered = true;
    return out.map(([userId, before, after]) => ({ userId, before, after }));
  }

  async function fullSync() {
    needFullSync = false;
    const out = await sync([...local], true);
    await emit({
      userIds: out.filter((t) => t.before === 0 && t.after > 0).map((t) => t.userId),
      online: true,
    });
    await emit({
      userIds: out.filter((t) => t.before > 0 && t.after === 0).map((t) => t.userId),
      online: false,
    });
  }

  async function tick() {
    if (ticking || closed) return;
    ticking = true;
    try {
      if (needFullSync) await fullSync();
      else await sync([]);
      if (needFullSync) await fullSync();
      const offline = await cmd.csPresenceReap(p, String(ttlMs), instanceId, '20');
      await emit({ userIds: offline, online: false });
    } catch (err) {
      if (!needFullSync) log.warn({ err: { message: (err as Error).message } }, 'presence heartbeat failed');
      needFullSync = true;
    } finally {
      ticking = false;
    }
  }
  const timer = setInterval(() => void tick(), Math.max(100, Math.floor(ttlMs / 3)));
  timer.unref();
  // Right away on every (re)connect too: after a Redis restart this instance re-registers at once.
  const onReady = () => void tick();
  redis.on('ready', onReady);
  if (redis.status === 'ready') void tick();

  /** Sets this instance's count for the user; resolves with the user's [before, after] across instances. */
  async function change(userId: string, delta: 1 | -1): Promise<[number, number] | undefined> {
    const n = Math.max(0, (local.get(userId) ?? 0) + delta);
    if (n > 0) local.set(userId, n);
    else local.delete(userId);
    if (closed) return undefined;
    try {
      const [t] = await sync([[userId, n]]);
      if (needFullSync) void tick();
      return t ? [t.before, t.after] : undefined;
    } catch {
      needFullSync = true;
      return delta > 0 ? [n - 1, n] : [n + 1, n]; // this instance's view until Redis is back
    }
  }

  async function totals(userIds: string[]): Promise<number[]> {
    try {
      return await cmd.csPresenceTotals(p, String(ttlMs), ...userIds);
    } catch {
      return userIds.map((id) => local.get(id) ?? 0); // fail open: this instance's sockets
    }
  }

  return {
    async connected(userId) {
      const t = await change(userId, 1);
      return t !== undefined && t[0] === 0 && t[1] > 0;
    },
    async disconnected(userId) {
      // `after` alone: if Redis had lost this instance's entry (before = 0), peers still think
      // the user is online and must hear otherwise.
      const t = await change(userId, -1);
      return t !== undefined && t[1] === 0;
    },
    async onlineAmong(userIds) {
      if (userIds.length === 0) return new Set();
      const counts = await totals(userIds);
      return new Set(userIds.filter((_, i) => (counts[i] ?? 0) > 0));
    },
    async socketCount(userId) {
      const [n] = await totals([userId]);
      return n ?? 0;
    },
    async reserve(userId, max, holdMs) {
      const token = `${instanceId}:${++reservationSeq}`;
      try {
        const ok = await cmd.csPresenceReserve(p, String(ttlMs), userId, String(max), token, String(holdMs));
        return ok === 1 ? token : undefined;
      } catch {
        // Fail open onto this instance's own count, as socketCount does.
        if ((local.get(userId) ?? 0) + localReservations.count(userId) >= max) return undefined;
        return `local:${localReservations.take(userId, holdMs)}`;
      }
    },
    async release(userId, token) {
      if (token.startsWith('local:')) return localReservations.release(userId, token.slice(6));
      try {
        await redis.zrem(`${p}:r:${userId}`, token);
      } catch {
        // It lapses after holdMs on its own.
      }
    },
    onExternalChange(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    /** Graceful shutdown: this instance's users with no socket elsewhere go offline now, not after the TTL. */
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      redis.off('ready', onReady);
      try {
        const offline = await cmd.csPresenceUnregister(p, instanceId);
        await emit({ userIds: offline, online: false });
      } catch (err) {
        log.warn(
          { err: { message: (err as Error).message } },
          'presence unregister failed; peers reap after the TTL',
        );
      }
      handlers.clear();
      local.clear();
    },
  };
}
