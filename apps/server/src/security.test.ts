import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../test/build-test-app.js';
import { drivers } from '../test/drivers.js';
import { registerUser } from '../test/factories.js';
import { WsClient } from '../test/ws-client.js';
import { SESSION_COOKIE } from './auth/auth.plugin.js';
import { rowsOf } from './db/ids.js';

const ORIGIN = 'http://localhost:3000';

describe.each(drivers())('security on %s', (driver) => {
  let t: TestContext;
  const logs: string[] = [];

  beforeAll(async () => {
    t = await buildTestApp(driver);
    await t.rebuild(
      { ALLOWED_ORIGINS: ORIGIN, LOG_LEVEL: 'debug' },
      { logStream: { write: (l) => logs.push(l) } },
    );
  });
  afterAll(() => t.close());
  afterEach(async () => {
    logs.length = 0;
    await t.truncate();
  });
  const chatCount = async () =>
    Number(
      rowsOf<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from chats`))[0]?.n,
    );

  it('[csrf] a cookie POST with a foreign, missing, null or lookalike Origin → 403, nothing created; Bearer without Origin → ok', async () => {
    const u = await registerUser(t.app);
    for (const origin of [
      'http://evil.test',
      'null',
      `${ORIGIN}.evil.test`,
      'http://localhost:3000:80',
      undefined,
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/chats',
        cookies: { [SESSION_COOKIE]: u.token },
        headers: origin === undefined ? {} : { origin },
        payload: { title: 'csrf' },
      });
      expect(res.statusCode, String(origin)).toBe(403);
    }
    expect(await chatCount()).toBe(0);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/chats',
      headers: u.headers,
      payload: { title: 'fine' },
    });
    expect(ok.statusCode).toBe(201);
    const cookieOk = await t.app.inject({
      method: 'POST',
      url: '/api/chats',
      cookies: { [SESSION_COOKIE]: u.token },
      headers: { origin: ORIGIN },
      payload: { title: 'fine too' },
    });
    expect(cookieOk.statusCode).toBe(201);
  });

  it('[csrf] text/plain and form-urlencoded bodies → 415, nothing created', async () => {
    const u = await registerUser(t.app);
    for (const [type, payload] of [
      ['text/plain', '{"title":"x"}'],
      ['application/x-www-form-urlencoded', 'title=x'],
      [
        'multipart/form-data; boundary=x',
        '--x\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n--x--',
      ],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/chats',
        headers: { ...u.headers, 'content-type': type },
        payload,
      });
      expect(res.statusCode, type).toBe(415);
      expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    expect(await chatCount()).toBe(0);
  });

  it('[login] unknown user and wrong password: identical answers and similar timing (dummy verify)', async () => {
    await registerUser(t.app, 'victim');
    const time = async (username: string) => {
      const started = performance.now();
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password: 'wrong-password' },
      });
      return { ms: performance.now() - started, body: res.body, status: res.statusCode };
    };
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 6; i++) {
      const a = await time('victim');
      const b = await time(`ghost_${i}`);
      expect([a.status, a.body]).toEqual([b.status, b.body]);
      wrong.push(a.ms);
      unknown.push(b.ms);
    }
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    // Without the dummy verify the unknown-user path is ~50x faster (no argon2 at all).
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.4);
  });

  it('[proxy] behind the proxy (TRUST_PROXY=true, docs/nginx.conf appends the address it saw), a forged X-Forwarded-For does not escape the login-failure limit', async () => {
    const app = await t.rebuild(
      { ALLOWED_ORIGINS: ORIGIN, TRUST_PROXY: 'true', LOGIN_FAILURES_MAX: '3' },
      { logStream: { write: (l) => logs.push(l) } },
    );
    try {
      await registerUser(app, 'victim');
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          // What nginx's $proxy_add_x_forwarded_for makes of a client that sent its own header:
          // the forged value, then the address nginx saw.
          headers: { 'x-forwarded-for': `10.9.8.${i}, 203.0.113.7` },
          payload: { username: 'victim', password: `wrong guess ${i}` },
        });
        statuses.push(res.statusCode);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      // Another client behind the same proxy is not limited by those failures.
      const other = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'x-forwarded-for': '198.51.100.4' },
        payload: { username: 'victim', password: 'wrong guess' },
      });
      expect(other.statusCode).toBe(401);
    } finally {
      await t.rebuild(
        { ALLOWED_ORIGINS: ORIGIN, LOG_LEVEL: 'debug' },
        { logStream: { write: (l) => logs.push(l) } },
      );
    }
  });

  it('[storage] no raw token in the database or the logs; headers and cookie flags right', async () => {
    const u = await registerUser(t.app);
    await t.app.inject({ url: '/api/me', headers: u.headers });
    await t.app.inject({ url: '/api/me', cookies: { [SESSION_COOKIE]: u.token } });
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: u.user.username, password: 'correct horse battery' },
    });
    const token2 = login.json().token as string;
    const dump =
      JSON.stringify(await t.database.db.execute(sql`select * from sessions`)) +
      JSON.stringify(await t.database.db.execute(sql`select * from users`));
    for (const secret of [u.token, token2, 'correct horse battery']) {
      expect(dump).not.toContain(secret);
      expect(logs.join('\n')).not.toContain(secret);
    }
    expect(logs.length).toBeGreaterThan(0);
    expect(login.headers['set-cookie']).toMatch(/HttpOnly/);
    expect(login.headers['set-cookie']).toMatch(/SameSite=Lax/);
    const page = await t.app.inject({ url: '/api/health' });
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBeDefined();
  });

  it('[storage] an invite link is a credential: its token never reaches the logs', async () => {
    const owner = await registerUser(t.app);
    const joiner = await registerUser(t.app);
    const chat = await t.app.inject({
      method: 'POST',
      url: '/api/chats',
      headers: owner.headers,
      payload: { title: 'private' },
    });
    const invite = await t.app.inject({
      method: 'POST',
      url: `/api/chats/${chat.json().chat.id}/invites`,
      headers: owner.headers,
      payload: {},
    });
    const token = invite.json().invite.token as string;
    logs.length = 0;
    const preview = await t.app.inject({ url: `/api/invites/${token}`, headers: joiner.headers });
    expect(preview.statusCode).toBe(200);
    const join = await t.app.inject({
      method: 'POST',
      url: `/api/invites/${token}/join`,
      headers: joiner.headers,
    });
    expect(join.statusCode).toBe(200);
    // The web app's page for the link (whether or not this server serves the app).
    await t.app.inject({ url: `/invite/${token}` });
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toContain(token);
  });

  it('[session] an idle-expired session’s sockets close with 4401', async () => {
    let clock = Date.now();
    const app = await t.rebuild(
      { SESSION_IDLE_TTL_MS: '600000', SESSION_CHECK_MS: '20' },
      { now: () => new Date(clock) },
    );
    const url = await t.listen();
    const u = await registerUser(app);
    const ws = await WsClient.connect(url, { token: u.token });
    clock += 600_001; // idle past the TTL without a frame or a request
    expect((await ws.closed).code).toBe(4401);
    expect((await app.inject({ url: '/api/me', headers: u.headers })).statusCode).toBe(401);
    await t.rebuild(
      { ALLOWED_ORIGINS: ORIGIN, LOG_LEVEL: 'debug' },
      { logStream: { write: (l) => logs.push(l) } },
    );
  });

  it('[session] a live session is never closed: sockets opened while the re-check is in flight stay open', async () => {
    // The re-check reads which sessions are live; a socket that registered while that read was
    // in flight was not in it, and must not be taken for ended (it was: 4401, signed out).
    const app = await t.rebuild({ SESSION_CHECK_MS: '5' });
    const url = await t.listen();
    const closes: number[] = [];
    for (let round = 0; round < 20; round++) {
      const u = await registerUser(app);
      // A session ended behind the server's back (its row deleted, no revoke published): only a
      // re-check closes its socket, so its 4401 proves a re-check ran after the others opened.
      const doomed = await registerUser(app);
      const sentinel = await WsClient.connect(url, { token: doomed.token });
      const sockets = await Promise.all(
        Array.from({ length: 5 }, () => WsClient.connect(url, { token: u.token })),
      );
      await t.database.db.execute(sql`delete from sessions where user_id = ${doomed.user.id}`);
      expect((await sentinel.closed).code).toBe(4401);
      for (const ws of sockets) closes.push((await ws.close()).code);
    }
    expect(closes.filter((c) => c === 4401)).toEqual([]);
    expect(closes).toHaveLength(100);
    await t.rebuild(
      { ALLOWED_ORIGINS: ORIGIN, LOG_LEVEL: 'debug' },
      { logStream: { write: (l) => logs.push(l) } },
    );
  });

  it('[session] a client active only over its socket stays signed in; touches are batched', async () => {
    let clock = Date.now();
    const app = await t.rebuild(
      { ALLOWED_ORIGINS: ORIGIN, SESSION_IDLE_TTL_MS: '600000' },
      { now: () => new Date(clock), logStream: { write: (l) => logs.push(l) } },
    );
    const url = await t.listen();
    const u = await registerUser(app);
    const ws = await WsClient.connect(url, { token: u.token });
    const lastSeen = async () =>
      rowsOf<{ t: string }>(await t.database.db.execute(sql`select last_seen_at::text as t from sessions`))[0]
        ?.t;
    // Three idle TTLs' worth of time, each step just under one TTL, active only on the socket.
    for (let i = 0; i < 3; i++) {
      clock += 590_000;
      await ws.ok({ type: 'ping' });
    }
    const touched = await lastSeen();
    // Frames within the touch interval write nothing.
    for (let i = 0; i < 10; i++) {
      clock += 3_000;
      await ws.ok({ type: 'ping' });
    }
    expect(await lastSeen()).toBe(touched);
    expect((await app.inject({ url: '/api/me', headers: u.headers })).statusCode).toBe(200);
    // A frame after the session expired does not revive it.
    clock += 600_001;
    await ws.ok({ type: 'ping' });
    expect((await app.inject({ url: '/api/me', headers: u.headers })).statusCode).toBe(401);
    await ws.close();
    await t.rebuild(
      { ALLOWED_ORIGINS: ORIGIN, LOG_LEVEL: 'debug' },
      { logStream: { write: (l) => logs.push(l) } },
    );
  });

  it('[session] absolute expiry ends a session even while it is in use', async () => {
    let clock = Date.now();
    const app = await t.rebuild(
      { SESSION_MAX_AGE_MS: '3600000', ALLOWED_ORIGINS: ORIGIN },
      { now: () => new Date(clock), logStream: { write: (l) => logs.push(l) } },
    );
    const u = await registerUser(app);
    for (let i = 0; i < 59; i++) {
      clock += 60_000; // in use every minute: idle expiry never comes into it
      expect((await app.inject({ url: '/api/me', headers: u.headers })).statusCode).toBe(200);
    }
    clock += 60_001;
    expect((await app.inject({ url: '/api/me', headers: u.headers })).statusCode).toBe(401);
    await t.rebuild(
      { ALLOWED_ORIGINS: ORIGIN, LOG_LEVEL: 'debug' },
      { logStream: { write: (l) => logs.push(l) } },
    );
  });
});
