import { describe, expect, it } from 'vitest';
import { LIMITS, PROTOCOL_VERSION } from './limits.js';

describe('limits', () => {
  it('[WebSocket › hello] PROTOCOL_VERSION is 1', () => {
    expect(PROTOCOL_VERSION).toBe(1);
  });

  it('[Authentication] username is 3–32 chars, password 8–128 chars', () => {
    expect([LIMITS.usernameMin, LIMITS.usernameMax]).toEqual([3, 32]);
    expect([LIMITS.passwordMin, LIMITS.passwordMax]).toEqual([8, 128]);
  });

  it('[Messages] body is 1–4000 characters after trimming', () => {
    expect([LIMITS.bodyMin, LIMITS.bodyMax]).toEqual([1, 4000]);
  });

  it('[Messages] page limit is 1–200, default 50; subscribe returns at most 200 missed messages', () => {
    expect(LIMITS.pageDefault).toBe(50);
    expect(LIMITS.pageMax).toBe(200);
    expect(LIMITS.missedMax).toBe(200);
  });

  it('[Errors › close codes] frames over 64 KiB close the socket with 1009', () => {
    expect(LIMITS.frameMaxBytes).toBe(65536);
  });

  it('[WebSocket › typing] clients hide a typing indicator after 5 s', () => {
    expect(LIMITS.typingTtlMs).toBe(5000);
  });
});
