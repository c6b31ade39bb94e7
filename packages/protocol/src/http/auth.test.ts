import { describe, expect, it } from 'vitest';
import { alice } from '../test-fixtures.js';
import { AuthResponseSchema, LoginBodySchema, MeResponseSchema, RegisterBodySchema } from './auth.js';

const creds = { username: 'alice', password: 'correct horse' };

describe.each([
  ['POST /api/auth/register', RegisterBodySchema],
  ['POST /api/auth/login', LoginBodySchema],
])('%s body', (_route, schema) => {
  it('[Authentication] accepts {username, password}', () => {
    expect(schema.parse(creds)).toEqual(creds);
  });

  it('[Strictness] is strict: an unknown key is rejected', () => {
    expect(schema.safeParse({ ...creds, email: 'a@example.com' }).success).toBe(false);
  });

  it('[Authentication] rejects a missing username or password', () => {
    expect(schema.safeParse({ username: 'alice' }).success).toBe(false);
    expect(schema.safeParse({ password: creds.password }).success).toBe(false);
  });

  it('[username] rejects 2 and 33 chars and chars outside a-z0-9_.-', () => {
    for (const username of ['al', 'a'.repeat(33), 'ali ce', 'alice!']) {
      expect(schema.safeParse({ ...creds, username }).success).toBe(false);
    }
  });

  it('[password] rejects 7 and 129 chars (8–128)', () => {
    expect(schema.safeParse({ ...creds, password: 'p'.repeat(7) }).success).toBe(false);
    expect(schema.safeParse({ ...creds, password: 'p'.repeat(129) }).success).toBe(false);
  });

  it('[password] accepts 8 and 128 chars', () => {
    expect(schema.safeParse({ ...creds, password: 'p'.repeat(8) }).success).toBe(true);
    expect(schema.safeParse({ ...creds, password: 'p'.repeat(128) }).success).toBe(true);
  });

  it('[username] login is case-insensitive on the server; the schema passes the case through', () => {
    expect(schema.parse({ ...creds, username: 'Alice' }).username).toBe('Alice');
  });
});

describe('AuthResponseSchema', () => {
  it('[Authentication] register (201) and login (200) answer {user, token}', () => {
    const res = { user: alice, token: 'tok_abc' };
    expect(AuthResponseSchema.parse(res)).toEqual(res);
  });

  it('[Authentication] rejects an answer without a token', () => {
    expect(AuthResponseSchema.safeParse({ user: alice }).success).toBe(false);
  });

  it('[Strictness] strips unknown keys', () => {
    expect(AuthResponseSchema.parse({ user: alice, token: 't', expiresAt: 'x' })).toEqual({
      user: alice,
      token: 't',
    });
  });
});

describe('MeResponseSchema', () => {
  it('[Authentication] GET /api/me answers {user}', () => {
    expect(MeResponseSchema.parse({ user: alice })).toEqual({ user: alice });
    expect(MeResponseSchema.safeParse(alice).success).toBe(false);
  });
});
