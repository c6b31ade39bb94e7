import { randomBytes } from 'node:crypto';
import { ErrorBodySchema, MeResponseSchema } from '@chatsockets/protocol';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser, uniqueName } from '../../test/factories.js';
import { buildApp } from '../app.js';
import { rowsOf } from '../db/ids.js';
import { SESSION_COOKIE } from './auth.plugin.js';

const ORIGIN = 'http://localhost:3000';

describe.each(drivers())('auth on %s', (driver) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await buildTestApp(driver, { ALLOWED_ORIGINS: ORIGIN });
  });
  afterAll(() => t.close());
  afterEach(() => t.truncate());

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, payload: payload as object, headers });

  it('[register] 201 with user and token, and an HttpOnly SameSite=Lax cookie', async () => {
    const res = await post('/api/auth/register', { username: 'Alice_1', password: 'password123' });
    expect(res.statusCode).toBe(201);
    expect(res.json().user).toMatchObject({ username: 'Alice_1' });
    const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie?.secure).toBeFalsy();
    expect(cookie?.value).toBe(res.json().token);
  });

  it('[register] a taken username, in any case, is 409 CONFLICT', async () => {
    await post('/api/auth/register', { username: 'bob', password: 'password123' });
    const res = await post('/api/auth/register', { username: 'BOB', password: 'password456' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('CONFLICT');
  });

  it('[register] 20 concurrent registrations of one name create exactly one user', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        post('/api/auth/register', { username: 'racer', password: 'password123' }),
      ),
    );
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 409)).toHaveLength(19);
  });

  it('[login] works case-insensitively and returns a fresh token', async () => {
    const reg = await registerUser(t.app, 'carol');
    const res = await post('/api/auth/login', { username: 'CAROL', password: 'correct horse battery' });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.id).toBe(reg.user.id);
    expect(res.json().token).not.toBe(reg.token);
  });

  it('[login] unknown user and wrong password get the identical 401', async () => {
    await registerUser(t.app, 'dave');
    const wrong = await post('/api/auth/login', { username: 'dave', password: 'not-the-password' });
    const unknown = await post('/api/auth/login', { username: 'nobody_here', password: 'not-the-password' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.body).toBe(unknown.body);
    expect(ErrorBodySchema.parse(wrong.json()).error.code).toBe('UNAUTHORIZED');
  });

  it('[me] Bearer and cookie both authenticate; none is 401', async () => {
    const u = await registerUser(t.app);
    const bearer = await t.app.inject({ url: '/api/me', headers: u.headers });
    expect(MeResponseSchema.parse(bearer.json()).user.id).toBe(u.user.id);
    const cookie = await t.app.inject({ url: '/api/me', cookies: { [SESSION_COOKIE]: u.token } });
    expect(cookie.json().user.id).toBe(u.user.id);
    const none = await t.app.inject({ url: '/api/me' });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('UNAUTHORIZED');
    const garbage = await t.app.inject({ url: '/api/me', headers: { authorization: 'Bearer nope' } });
    expect(garbage.statusCode).toBe(401);
    // RFC 9110 › Authorization: any case of the scheme, one or more spaces before the token.
    for (const authorization of [`bearer  ${u.token}`, `BEARER ${u.token}`, `Bearer \t${u.token} `]) {
      const res = await t.app.inject({ url: '/api/me', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(200);
    }
    for (const authorization of ['Bearer', 'Bearer ', `Basic ${u.token}`, `Bearer ${u.token} extra`]) {
      const res = await t.app.inject({ url: '/api/me', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHORIZED');
    }
  });

  it('[logout] 204, the token stops working at once, the cookie is cleared', async () => {
    const u = await registerUser(t.app);
    const other = await post('/api/auth/login', {
      username: u.user.username,
      password: 'correct horse battery',
    });
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: u.headers });
    expect(res.statusCode).toBe(204);
    expect(res.cookies.find((c) => c.name === SESSION_COOKIE)?.value).toBe('');
    expect((await t.app.inject({ url: '/api/me', headers: u.headers })).statusCode).toBe(401);
    // Only that session ends; the user's other session lives on.
    const otherMe = await t.app.inject({
      url: '/api/me',
      headers: { authorization: `Bearer ${other.json().token}` },
    });
    expect(otherMe.statusCode).toBe(200);
  });

  it('[origin] a cookie POST from a foreign, missing, null or lookalike Origin is 403', async () => {
    const u = await registerUser(t.app);
    for (const origin of ['http://evil.test', 'null', `${ORIGIN}.evil.test`, undefined]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        cookies: { [SESSION_COOKIE]: u.token },
        headers: origin ? { origin } : {},
      });
      expect(res.statusCode, String(origin)).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
    expect((await t.app.inject({ url: '/api/me', headers: u.headers })).statusCode).toBe(200);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      cookies: { [SESSION_COOKIE]: u.token },
      headers: { origin: ORIGIN },
    });
    expect(ok.statusCode).toBe(204);
  });

  it('[origin] Bearer needs no Origin; a foreign Origin on login is 403', async () => {
    const u = await registerUser(t.app);
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: u.headers });
    expect(res.statusCode).toBe(204);
    const foreign = await post(
      '/api/auth/login',
      { username: u.user.username, password: 'correct horse battery' },
      { origin: 'http://evil.test' },
    );
    expect(foreign.statusCode).toBe(403);
  });

  it('[storage] passwords are argon2id with OWASP minimums; tokens are stored only as hashes', async () => {
    const u = await registerUser(t.app);
    const rows = await t.database.db.execute(
      sql`select u.password_hash, s.token_hash from users u join sessions s on s.user_id = u.id`,
    );
    const row = (Array.isArray(rows) ? rows[0] : (rows as { rows: unknown[] }).rows[0]) as Record<
      string,
      string
    >;
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.token_hash).not.toContain(u.token);
    const dump = JSON.stringify(await t.database.db.execute(sql`select * from sessions`));
    expect(dump).not.toContain(u.token);
  });

  it('[rate-limit] failed logins from one address get RATE_LIMITED with Retry-After', async () => {
    const app = await t.rebuild({ LOGIN_FAILURES_MAX: '5' });
    await registerUser(app, 'eve');
    const attempt = (ip: string) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'eve', password: 'wrong-password' },
        remoteAddress: ip,
      });
    for (let i = 0; i < 5; i++) expect((await attempt('10.0.0.1')).statusCode).toBe(401);
    const limited = await attempt('10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is unaffected; a spoofed X-Forwarded-For does not change the key.
    expect((await attempt('10.0.0.2')).statusCode).toBe(401);
    const spoofed = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'eve', password: 'wrong-password' },
      remoteAddress: '10.0.0.1',
      headers: { 'x-forwarded-for': '1.2.3.4' },
    });
    expect(spoofed.statusCode).toBe(429);
    await t.rebuild();
  });

  /**
   * 60 guesses at once, the right password among the last: the limit must hold however they
   * interleave, so at most LIMIT reach the password check (401 or 200) and the rest are 429.
   */
  async function raceGuesses(apps: FastifyInstance[], limit: number) {
    await registerUser(apps[0]!, 'racy');
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        apps[i % apps.length]!.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username: 'racy', password: i >= 50 ? 'correct horse battery' : `wrong-password-${i}` },
          remoteAddress: '10.9.9.9',
        }),
      ),
    );
    const codes = results.map((r) => r.statusCode);
    const checked = codes.filter((c) => c === 401 || c === 200).length;
    expect(codes.filter((c) => c !== 401 && c !== 200 && c !== 429)).toEqual([]);
    expect(checked).toBeLessThanOrEqual(limit);
    // Every guess before the right ones is wrong, so a success means the limit was passed.
    expect(codes.filter((c) => c === 200)).toEqual([]);
  }

  it('[rate-limit] a burst of right passwords from one address locks nobody out afterwards', async () => {
    const app = await t.rebuild({ LOGIN_FAILURES_MAX: '5' });
    await registerUser(app, 'office');
    const login = () =>
      app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'office', password: 'correct horse battery' },
        remoteAddress: '10.7.7.7',
      });
    const burst = await Promise.all(Array.from({ length: 12 }, login));
    expect(burst.filter((r) => r.statusCode !== 200 && r.statusCode !== 429)).toEqual([]);
    expect((await login()).statusCode).toBe(200);
    await t.rebuild();
  });

  it('[rate-limit] 60 concurrent guesses: at most LOGIN_FAILURES_MAX reach the password check', async () => {
    const app = await t.rebuild({ LOGIN_FAILURES_MAX: '5' });
    await raceGuesses([app], 5);
    await t.rebuild();
  });

  it.skipIf(!inject('redisUrl'))(
    '[rate-limit] the limit holds across two instances sharing Redis',
    async () => {
      const env = {
        LOGIN_FAILURES_MAX: '5',
        REDIS_URL: inject('redisUrl'),
        REDIS_PREFIX: `cs_test_${randomBytes(4).toString('hex')}`,
      };
      const a = await t.rebuild(env);
      const b = await buildApp(t.config, { database: t.database });
      try {
        await raceGuesses([a, b], 5);
      } finally {
        await b.close();
        await t.rebuild();
      }
    },
  );

  it('[bad-input] every auth route answers bad input with the protocol error shape', async () => {
    const cases: Array<{ payload: string; type?: string; status: number; code: string }> = [
      { payload: '{"username": "x', status: 400, code: 'BAD_REQUEST' },
      { payload: JSON.stringify({ username: 42, password: true }), status: 400, code: 'BAD_REQUEST' },
      {
        payload: JSON.stringify({ username: 'okname', password: 'x'.repeat(129) }),
        status: 400,
        code: 'BAD_REQUEST',
      },
      {
        payload: JSON.stringify({ username: 'bad name!', password: 'password123' }),
        status: 400,
        code: 'BAD_REQUEST',
      },
      {
        payload: '{"__proto__": {"admin": true}, "username": "proto", "password": "password123"}',
        status: 400,
        code: 'BAD_REQUEST',
      },
      {
        payload: JSON.stringify({ username: 'okname', password: 'password123', extra: 1 }),
        status: 400,
        code: 'BAD_REQUEST',
      },
      {
        payload: JSON.stringify({ username: 'a'.repeat(10), password: 'p'.repeat(70_000) }),
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
      },
      {
        payload: 'username=a&password=b',
        type: 'application/x-www-form-urlencoded',
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      },
      { payload: 'hello', type: 'text/plain', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      { payload: '', status: 400, code: 'BAD_REQUEST' },
    ];
    for (const url of ['/api/auth/register', '/api/auth/login']) {
      for (const c of cases) {
        const res = await t.app.inject({
          method: 'POST',
          url,
          payload: c.payload,
          headers: { 'content-type': c.type ?? 'application/json' },
        });
        expect(res.statusCode, `${url} ${c.payload.slice(0, 40)}`).toBe(c.status);
        expect(ErrorBodySchema.parse(res.json()).error.code).toBe(c.code);
      }
    }
    const details = (await post('/api/auth/register', { username: 'x', password: 'short' })).json().error
      .details;
    expect(details.map((d: { path: string }) => d.path).sort()).toEqual(['body.password', 'body.username']);
    const count = await t.database.db.execute(sql`select count(*)::int as n from users`);
    expect(JSON.stringify(count)).toContain('"n":0');
  });

  it('[session] an idle-expired session is 401', async () => {
    let clock = Date.now();
    const app = await t.rebuild({ SESSION_IDLE_TTL_MS: '600000' }, { now: () => new Date(clock) });
    const u = await registerUser(app, uniqueName());
    clock += 590_000;
    expect((await app.inject({ url: '/api/me', headers: u.headers })).statusCode).toBe(200);
    clock += 590_000; // alive: the request above refreshed it
    expect((await app.inject({ url: '/api/me', headers: u.headers })).statusCode).toBe(200);
    clock += 600_001;
    expect((await app.inject({ url: '/api/me', headers: u.headers })).statusCode).toBe(401);
    await t.rebuild();
  });

  it('[session] expired sessions are purged periodically; live ones stay', async () => {
    let clock = Date.now();
    const app = await t.rebuild(
      { SESSION_IDLE_TTL_MS: '60000', SESSION_PURGE_MS: '20' },
      { now: () => new Date(clock) },
    );
    const stale = await registerUser(app, uniqueName());
    const count = async () =>
      rowsOf<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from sessions`))[0]?.n;
    clock += 30_000;
    const live = await registerUser(app, uniqueName());
    clock += 31_000; // `stale` is now idle past the TTL; `live` is not
    const deadline = Date.now() + 10_000;
    while ((await count()) !== 1) {
      if (Date.now() > deadline) throw new Error(`expired session not purged: ${await count()} rows`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await app.inject({ url: '/api/me', headers: live.headers })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/me', headers: stale.headers })).statusCode).toBe(401);
    await t.rebuild();
  });
});
