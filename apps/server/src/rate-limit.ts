import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { rateLimited } from './errors.js';

export interface Limiter {
  /** Takes `points` for `key`, or throws RATE_LIMITED (with the seconds to wait). */
  consume(key: string, points?: number): Promise<void>;
  /** Like `consume`, but a refused request costs nothing (a group too big for what is left). */
  take(key: string, points: number): Promise<void>;
  /** Gives back everything `key` used (e.g. after a successful login). */
  reset(key: string): Promise<void>;
  /** Gives back `points` taken by consume (an attempt reserved up front that turned out not to count). */
  refund(key: string, points?: number): Promise<void>;
}

/**
 * Counters live in Redis when there is one (shared by every instance), else in memory.
 * With Redis down the limiter fails open onto a per-instance memory limiter (insurance):
 * an outage must not lock every user out, and each instance still bounds abuse on its own.
 */
export function createLimiter(opts: {
  keyPrefix: string;
  points: number;
  durationSec: number;
  redis?: Redis;
}): Limiter {
  const base = { keyPrefix: opts.keyPrefix, points: opts.points, duration: opts.durationSec };
  const limiter = opts.redis
    ? new RateLimiterRedis({
        ...base,
        storeClient: opts.redis,
        insuranceLimiter: new RateLimiterMemory(base),
        rejectIfRedisNotReady: true,
      })
    : new RateLimiterMemory(base);

  const toError = (res: unknown) => {
    if (res instanceof RateLimiterRes) return rateLimited(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
    return res;
  };

  return {
    async consume(key, points = 1) {
      try {
        await limiter.consume(key, points);
      } catch (res) {
        throw toError(res);
      }
    },
    async take(key, points) {
      try {
        await limiter.consume(key, points);
      } catch (res) {
        if (res instanceof RateLimiterRes) await limiter.reward(key, points).catch(() => {});
        throw toError(res);
      }
    },
    async reset(key) {
      await limiter.delete(key);
    },
    async refund(key, points = 1) {
      await limiter.reward(key, points);
    },
  };
}
