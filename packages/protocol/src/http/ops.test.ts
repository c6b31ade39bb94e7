import { describe, expect, it } from 'vitest';
import { HealthResponseSchema } from './ops.js';

describe('HealthResponseSchema', () => {
  it('[Operations] 200 {status: "ok", db: "ok", bus: "ok"}', () => {
    const res = { status: 'ok', db: 'ok', bus: 'ok' };
    expect(HealthResponseSchema.parse(res)).toEqual(res);
  });

  it('[Operations, v1 shape] 503 {status: "unavailable"} names the part that is down', () => {
    const res = { status: 'unavailable', db: 'down', bus: 'ok' };
    expect(HealthResponseSchema.parse(res)).toEqual(res);
  });

  it('[Operations] rejects other statuses and component states', () => {
    expect(HealthResponseSchema.safeParse({ status: 'degraded', db: 'ok', bus: 'ok' }).success).toBe(false);
    expect(HealthResponseSchema.safeParse({ status: 'ok', db: 'up', bus: 'ok' }).success).toBe(false);
    expect(HealthResponseSchema.safeParse({ status: 'ok', db: 'ok' }).success).toBe(false);
  });

  it('[Strictness] strips unknown keys', () => {
    expect(HealthResponseSchema.parse({ status: 'ok', db: 'ok', bus: 'ok', uptime: 3 })).toEqual({
      status: 'ok',
      db: 'ok',
      bus: 'ok',
    });
  });
});
