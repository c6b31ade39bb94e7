import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, reconnectDelay } from './backoff';

describe('backoffDelay', () => {
  it('[backoff] grows exponentially and is capped', () => {
    const mid = () => 0.5;
    expect(backoffDelay(0, { baseMs: 100, maxMs: 1000 }, mid)).toBe(75);
    expect(backoffDelay(1, { baseMs: 100, maxMs: 1000 }, mid)).toBe(150);
    expect(backoffDelay(10, { baseMs: 100, maxMs: 1000 }, mid)).toBe(750);
  });

  it('[backoff] jitter stays within half to all of the window', () => {
    fc.assert(
      fc.property(fc.nat(40), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        const window = Math.min(15_000, 500 * 2 ** attempt);
        const d = backoffDelay(attempt, undefined, () => r);
        expect(d).toBeGreaterThanOrEqual(Math.floor(window / 2));
        expect(d).toBeLessThanOrEqual(window);
      }),
    );
  });
});

describe('reconnectDelay', () => {
  it('[reconnect-2s] a visible tab never waits more than 1.5 s, so a returned server is found within 2 s', () => {
    fc.assert(
      fc.property(fc.nat(60), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        expect(reconnectDelay(attempt, false, undefined, () => r)).toBeLessThanOrEqual(1_500);
      }),
    );
  });

  it('[hidden] a hidden tab backs off further, to 30 s', () => {
    expect(reconnectDelay(20, true, undefined, () => 0.5)).toBe(22_500);
    expect(reconnectDelay(20, false, undefined, () => 0.5)).toBe(1_125);
  });
});
