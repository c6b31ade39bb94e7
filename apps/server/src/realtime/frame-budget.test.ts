import { describe, expect, it } from 'vitest';
import { FrameBudget } from './frame-budget.js';

describe('[frame-budget] token bucket', () => {
  it('[frame-budget] a full burst at once, then the refill rate, never more than the capacity', () => {
    let now = 0;
    const budget = new FrameBudget(600, 200, () => now); // 60 frames of 10 points, 20 frames/s
    for (let i = 0; i < 60; i++) expect(budget.take(10)).toBe(0);
    expect(budget.take(10)).toBe(50); // 10 points at 0.2/ms
    now += 50;
    expect(budget.take(10)).toBe(0);
    expect(budget.take(10)).toBe(50);
    now += 500; // refills 100 points: 10 frames, not a whole new window
    for (let i = 0; i < 10; i++) expect(budget.take(10)).toBe(0);
    expect(budget.take(10)).toBeGreaterThan(0);
    now += 60_000; // a long pause refills to the capacity, no further
    for (let i = 0; i < 60; i++) expect(budget.take(10)).toBe(0);
    expect(budget.take(10)).toBeGreaterThan(0);
  });

  it('[frame-budget] a refused frame costs nothing', () => {
    let now = 0;
    const budget = new FrameBudget(10, 10, () => now);
    expect(budget.take(10)).toBe(0);
    expect(budget.take(5)).toBe(500);
    now += 500;
    expect(budget.take(5)).toBe(0);
  });

  it('[frame-budget] a wall clock set back (NTP, an operator) refills nothing, and locks nobody out', () => {
    let now = 1_000_000;
    const budget = new FrameBudget(600, 200, () => now);
    expect(budget.take(10)).toBe(0);
    now -= 3_600_000; // an hour back: the socket's budget is what it was, not an hour in debt
    expect(budget.take(10)).toBe(0);
    for (let i = 0; i < 58; i++) expect(budget.take(10)).toBe(0);
    expect(budget.take(10)).toBe(50);
    now += 50; // and it refills from the new reading on
    expect(budget.take(10)).toBe(0);
  });
});
