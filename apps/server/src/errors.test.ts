import { describe, expect, it } from 'vitest';
import { sqlState } from './errors.js';

describe('sqlState', () => {
  it('[errors] reads a Postgres error code, through Drizzle’s wrapping', () => {
    const pg = Object.assign(new Error('duplicate key'), { code: '23505', severity: 'ERROR' });
    expect(sqlState(pg)).toBe('23505');
    expect(sqlState(new Error('Failed query', { cause: pg }))).toBe('23505');
  });

  it('[errors] a socket error whose code has five capitals (EPIPE) is no SQLSTATE', () => {
    // Taken for one, a batch of sends on a dead connection was "refused by the database" and
    // went again item by item (messages.repo.ts), each on the same dead connection.
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE', errno: -32, syscall: 'write' });
    expect(sqlState(epipe)).toBeUndefined();
    expect(sqlState(new Error('Failed query', { cause: epipe }))).toBeUndefined();
  });
});
