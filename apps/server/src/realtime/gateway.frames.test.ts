import { randomBytes, randomUUID } from 'node:crypto';
import { type Message, SubscribeReplySchema } from '@chatsockets/protocol';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser, type TestUser } from '../../test/factories.js';
import { client } from '../../test/http.js';
import { WsClient } from '../../test/ws-client.js';
import { buildApp } from '../app.js';
import { SESSION_COOKIE } from '../auth/auth.plugin.js';
import { rowsOf } from '../db/ids.js';

const ORIGIN = 'http://localhost:3000';

/** Upgrade with raw headers; resolves with the HTTP status of a refused upgrade, or 101. */
function upgradeStatus(url: string, headers: Record<string, string>, path = '/ws'): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}${path}`, { headers });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('error', () => {});
  });
}

/** Upgrades that stay open until `closeAll`: resolves with the sockets that opened and the refused statuses. */
async function upgradeMany(urls: string[], token: string, n: number) {
  const results = await Promise.all(
    Array.from(
      { length: n },
      (_, i) =>
        new Promise<WebSocket | number>((resolve) => {
          const base = urls[i % urls.length]!;
          const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`, {
            headers: { authorization: `Bearer ${token}` },
          });
          ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
          ws.on('open', () => resolve(ws));
          ws.on('error', () => resolve(-1));
        }),
    ),
  );
  const opened = results.filter((r): r is WebSocket => typeof r !== 'number');
  const refused = results.filter((r): r is number => typeof r === 'number');
  const closeAll = () =>
    Promise.all(
      opened.map((ws) => {
        if (ws.readyState === ws.CLOSED) return undefined;
        const closed = new Promise((r) => ws.once('close', r));
        ws.close();
        return closed;
      }),
    );
  return { opened, refused, closeAll };
}

describe.each(drivers())('gateway frames on %s', (driver) => {
  let t: TestContext;
  let url: string;
  const http = client(() => t.app);
  let alice: TestUser;
  let bob: TestUser;
  let chatId: string;
  const open: WsClient[] = [];
  const connect = async (user: TestUser) => {
    const c = await WsClient.connect(url, { token: user.token });
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    t = await buildTestApp(driver, {
      ALLOWED_ORIGINS: ORIGIN,
      WS_FRAMES_PER_SEC: '20',
      WS_FRAMES_BURST: '60',
    });
    url = await t.listen();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    alice = await registerUser(t.app, 'alice');
    bob = await registerUser(t.app, 'bob');
    chatId = (await http.post(alice, '/api/chats', { title: 'Room', members: ['bob'] })).json().chat.id;
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    await t.truncate();
  });

  it('[upgrade] authenticated before the 101: none → 401, cookie needs an allowed Origin, no token in the query', async () => {
    expect(await upgradeStatus(url, {})).toBe(401);
    expect(await upgradeStatus(url, {}, `/ws?token=${alice.token}`)).toBe(401);
    expect(await upgradeStatus(url, { authorization: 'Bearer wrong' })).toBe(401);
    const cookie = `${SESSION_COOKIE}=${alice.token}`;
    for (const origin of ['http://evil.test', 'null', `${ORIGIN}.evil.test`]) {
      expect(await upgradeStatus(url, { cookie, origin }), origin).toBe(403);
    }
    expect(await upgradeStatus(url, { cookie })).toBe(403);
    expect(await upgradeStatus(url, { cookie, origin: ORIGIN })).toBe(101);
    expect(await upgradeStatus(url, { authorization: `Bearer ${alice.token}` })).toBe(101);
  });

  it('[hello] on connect: user, protocolVersion 1, heartbeatMs, serverTime', async () => {
    const a = await connect(alice);
    expect(a.frames[0]).toMatchObject({ type: 'hello', user: { id: alice.user.id }, protocolVersion: 1 });
  });

  it('[frames] every client frame type succeeds with its documented reply', async () => {
    const a = await connect(alice);
    const b = await connect(bob);
    const sub = SubscribeReplySchema.parse(await a.ok({ type: 'subscribe', chatId, afterSeq: 0 }));
    expect(sub).toMatchObject({ chatId, lastSeq: 0, missed: [], hasMore: false, typing: [] });
    expect(sub.online.map((u) => u.username).sort()).toEqual(['alice', 'bob']);
    await b.ok({ type: 'subscribe', chatId });
    const sent = await a.ok<{ message: Message }>({
      type: 'message.send',
      chatId,
      clientId: randomUUID(),
      body: 'hi',
    });
    expect(sent.message).toMatchObject({ seq: 1, body: 'hi', author: { username: 'alice' } });
    const edited = await a.ok<{ message: Message }>({
      type: 'message.edit',
      messageId: sent.message.id,
      body: 'hi!',
    });
    expect(edited.message.editedAt).not.toBeNull();
    expect(await b.ok({ type: 'typing', chatId })).toEqual({});
    expect(await b.ok({ type: 'read', chatId, seq: 1 })).toEqual({});
    expect(await a.ok({ type: 'message.delete', messageId: sent.message.id })).toEqual({});
    expect(await a.ok({ type: 'unsubscribe', chatId })).toEqual({});
    const ping = await a.ok<{ serverTime: string }>({ type: 'ping' });
    expect(Date.parse(ping.serverTime)).not.toBeNaN();
    // bob saw the create, the edit and the delete, in that order
    await b.next((f) => f.type === 'message.updated' && f.message.deletedAt !== null, 5000, true);
    expect(b.frames.filter((f) => f.type.startsWith('message.')).map((f) => f.type)).toEqual([
      'message.created',
      'message.updated',
      'message.updated',
    ]);
  });

  it('[frames] failures: 404 unknown chat, 403 private chat, 400 schema, and the socket stays open', async () => {
    const mallory = await registerUser(t.app, 'mallory');
    const m = await connect(mallory);
    const a = await connect(alice);
    const msg = (
      await a.ok<{ message: Message }>({ type: 'message.send', chatId, clientId: 'c1', body: 'x' })
    ).message;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ type: 'subscribe', chatId: randomUUID() }, 'NOT_FOUND'],
      [{ type: 'subscribe', chatId: 'garbage' }, 'NOT_FOUND'],
      [{ type: 'subscribe', chatId }, 'FORBIDDEN'],
      [{ type: 'message.send', chatId, clientId: 'c2', body: 'intrude' }, 'FORBIDDEN'],
      [{ type: 'message.edit', messageId: msg.id, body: 'pwned' }, 'FORBIDDEN'],
      [{ type: 'message.delete', messageId: msg.id }, 'FORBIDDEN'],
      [{ type: 'typing', chatId }, 'FORBIDDEN'],
      [{ type: 'read', chatId, seq: 1 }, 'FORBIDDEN'],
      [{ type: 'message.edit', messageId: randomUUID(), body: 'x' }, 'NOT_FOUND'],
      [{ type: 'message.send', chatId, clientId: 'c3', body: ' ' }, 'BAD_REQUEST'],
      [{ type: 'message.send', chatId, clientId: 'c3', body: 'x'.repeat(4001) }, 'BAD_REQUEST'],
      [{ type: 'message.send', chatId, clientId: 'c3', body: 'nul \u0000' }, 'BAD_REQUEST'],
      [{ type: 'message.send', chatId, clientId: 'c3', body: 'half \uD83D' }, 'BAD_REQUEST'],
      [{ type: 'no.such.type' }, 'BAD_REQUEST'],
      [{ type: 'subscribe' }, 'BAD_REQUEST'],
      [{ type: 'ping', extra: true }, 'BAD_REQUEST'],
      [{ type: 'read', chatId, seq: -1 }, 'BAD_REQUEST'],
    ];
    for (const [frame, code] of cases) {
      const r = await m.request(frame);
      expect(r.ok, JSON.stringify(frame)).toBe(false);
      if (!r.ok) expect(r.error.code, JSON.stringify(frame)).toBe(code);
      if (!r.ok) expect(JSON.stringify(r.error)).not.toContain('x'.repeat(50));
    }
    expect(await m.ok({ type: 'ping' })).toHaveProperty('serverTime');
    const stored = rowsOf<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from messages`),
    );
    expect(Number(stored[0]?.n)).toBe(1);
  });

  it('[frames] non-JSON, arrays, missing type and binary frames get an error frame; the socket stays open', async () => {
    const a = await connect(alice);
    for (const raw of ['not json', '[1,2]', '42', '{"id": 7}', 'null']) {
      const errorFrame = a.next((f) => f.type === 'error' || f.type === 'reply');
      a.sendRaw(raw);
      const f = await errorFrame;
      if (raw === '{"id": 7}')
        expect(f).toMatchObject({ type: 'reply', id: 7, ok: false, error: { code: 'BAD_REQUEST' } });
      else expect(f, raw).toMatchObject({ type: 'error', error: { code: 'BAD_REQUEST' } });
    }
    const binary = a.next((f) => f.type === 'error');
    a.sendRaw(Buffer.from([1, 2, 3]), true);
    expect(await binary).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    expect(await a.ok({ type: 'ping' })).toHaveProperty('serverTime');
  });

  it('[frames] a frame over 64 KiB closes with 1009 (not 1006); others are unaffected', async () => {
    const a = await connect(alice);
    const b = await connect(bob);
    a.sendRaw(JSON.stringify({ type: 'ping', id: 1, pad: 'x'.repeat(70_000) }));
    expect((await a.closed).code).toBe(1009);
    expect(await b.ok({ type: 'ping' })).toHaveProperty('serverTime');
  });

  it('[rate-limit] 300 frames at once: RATE_LIMITED past the budget, nothing over budget stored', async () => {
    const a = await connect(alice);
    const started = performance.now();
    const replies = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        a.request({ type: 'message.send', chatId, clientId: `r${i}`, body: `n${i}` }, 20_000),
      ),
    );
    const elapsedS = (performance.now() - started) / 1000;
    const ok = replies.filter((r) => r.ok);
    const limited = replies.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED');
    expect(ok.length + limited.length).toBe(300);
    // The bucket refills while the frames are handled: never more than the burst plus what
    // refilled in the time it took, however slow the machine.
    expect(ok.length).toBeLessThanOrEqual(60 + Math.ceil(20 * elapsedS) + 1);
    expect(limited.length).toBeGreaterThan(0);
    const stored = rowsOf<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from messages`),
    );
    expect(Number(stored[0]?.n)).toBe(ok.length);
    expect(a.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('[rate-limit] a token bucket: past the burst, frames come back at the refill rate, not after a whole window', async () => {
    // An injected clock: it stands still while frames are handled, and moves only when told.
    let clock = Date.now();
    await t.rebuild({}, { now: () => new Date(clock) });
    url = await t.listen();
    try {
      const a = await connect(alice);
      const pings = (n: number) =>
        Promise.all(Array.from({ length: n }, () => a.request({ type: 'ping' }, 20_000)));
      const burst = await pings(150); // a ping costs half a frame: 120 fit in the burst of 60
      expect(burst.filter((r) => r.ok)).toHaveLength(120);
      clock += 300; // 20 frames/s refill 6 frames: 12 pings
      const later = (await pings(60)).filter((r) => r.ok).length;
      expect(later).toBeGreaterThan(0); // a fixed window would refuse all until it ends
      expect(later).toBeLessThan(60); // and no new burst
      expect(later).toBe(12);
    } finally {
      await t.rebuild();
      url = await t.listen();
    }
  });

  it('[rate-limit] resubscribing to 150 chats after a reconnect fits in one burst', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 150; i++)
      ids.push((await http.post(alice, '/api/chats', { title: `c${i}` })).json().chat.id);
    const a = await connect(alice);
    const replies = await Promise.all(
      ids.map((id) => a.request({ type: 'subscribe', chatId: id, afterSeq: 0 }, 20_000)),
    );
    expect(replies.filter((r) => !r.ok)).toEqual([]);
  });

  it('[limits] a user past the per-user socket cap is refused before the upgrade', async () => {
    await t.rebuild({ WS_MAX_SOCKETS_PER_USER: '3' });
    url = await t.listen();
    for (let i = 0; i < 3; i++) await connect(alice);
    expect(await upgradeStatus(url, { authorization: `Bearer ${alice.token}` })).toBe(429);
    expect(await upgradeStatus(url, { authorization: `Bearer ${bob.token}` })).toBe(101);
    await Promise.all(open.splice(0).map((c) => c.close()));
    // The server counts a socket out when it has handled the close, which the client does not see.
    let status = 0;
    for (const until = Date.now() + 5000; status !== 101 && Date.now() < until; ) {
      status = await upgradeStatus(url, { authorization: `Bearer ${alice.token}` });
    }
    expect(status).toBe(101);
    await t.rebuild({ ALLOWED_ORIGINS: ORIGIN, WS_FRAMES_PER_SEC: '20', WS_FRAMES_BURST: '60' });
    url = await t.listen();
  });

  it('[limits] a user cycling sockets past WS_CONNECTS_PER_MIN is refused before the upgrade; others are not', async () => {
    await t.rebuild({ WS_CONNECTS_PER_MIN: '5' });
    url = await t.listen();
    const auth = (u: TestUser) => ({ authorization: `Bearer ${u.token}` });
    // Each one opened and closed again: the socket cap is never near, the connects are counted.
    for (let i = 0; i < 5; i++) expect(await upgradeStatus(url, auth(alice)), `connect ${i + 1}`).toBe(101);
    expect(await upgradeStatus(url, auth(alice))).toBe(429);
    expect(await upgradeStatus(url, auth(bob))).toBe(101);
    await t.rebuild({ ALLOWED_ORIGINS: ORIGIN, WS_FRAMES_PER_SEC: '20', WS_FRAMES_BURST: '60' });
    url = await t.listen();
  });

  it.skipIf(driver !== 'postgres')(
    '[limits] a socket still being announced counts once: the user is not refused below the cap',
    async () => {
      await t.rebuild({ WS_MAX_SOCKETS_PER_USER: '2' });
      url = await t.listen();
      if (t.config.db.driver !== 'postgres') throw new Error('postgres only');
      // The first socket's "online" announcement reads the user's chats: hold it on a lock.
      // Two connections: one holds the lock in its transaction, the other watches for the waiter.
      const blocker = postgres(t.config.db.url, { max: 2, onnotice: () => {} });
      let unlock = () => {};
      const held = new Promise<void>((r) => {
        unlock = r;
      });
      let locked = () => {};
      const isLocked = new Promise<void>((r) => {
        locked = r;
      });
      const holding = blocker.begin(async (tx) => {
        await tx`lock table chat_members in access exclusive mode`;
        locked();
        await held;
      });
      try {
        await isLocked;
        const first = connect(alice);
        // Sentinel: the announcement is waiting on the lock, so the socket is counted by now.
        for (let waiting = 0; waiting === 0; ) {
          const [row] = await blocker<
            Array<{ waiting: number }>
          >`select count(*)::int as waiting from pg_locks where not granted`;
          waiting = row?.waiting ?? 0;
        }
        expect(await upgradeStatus(url, { authorization: `Bearer ${alice.token}` })).toBe(101);
        unlock();
        await holding;
        await first;
      } finally {
        unlock();
        await holding.catch(() => {});
        await blocker.end({ timeout: 1 });
      }
      await t.rebuild({ ALLOWED_ORIGINS: ORIGIN, WS_FRAMES_PER_SEC: '20', WS_FRAMES_BURST: '60' });
      url = await t.listen();
    },
  );

  it('[limits] 100 concurrent upgrades of one user open at most the cap', async () => {
    await t.rebuild({ WS_MAX_SOCKETS_PER_USER: '20' });
    url = await t.listen();
    const { opened, refused, closeAll } = await upgradeMany([url], alice.token, 100);
    await closeAll();
    expect(refused.filter((s) => s !== 429)).toEqual([]);
    expect(opened.length).toBeLessThanOrEqual(20);
    expect(opened.length).toBeGreaterThan(0);
    await t.rebuild({ ALLOWED_ORIGINS: ORIGIN, WS_FRAMES_PER_SEC: '20', WS_FRAMES_BURST: '60' });
    url = await t.listen();
  });

  it.skipIf(!inject('redisUrl'))(
    '[limits] the cap holds across two instances sharing Redis presence',
    async () => {
      const env = {
        WS_MAX_SOCKETS_PER_USER: '20',
        REDIS_URL: inject('redisUrl'),
        REDIS_PREFIX: `cs_test_${randomBytes(4).toString('hex')}`,
      };
      await t.rebuild(env);
      const urlA = await t.listen();
      const b: FastifyInstance = await buildApp(
        { ...t.config, instanceId: `${t.config.instanceId}-b` },
        { database: t.database },
      );
      try {
        await b.listen({ port: 0, host: '127.0.0.1' });
        const urlB = `http://127.0.0.1:${(b.server.address() as { port: number }).port}`;
        // Until Redis is ready each instance caps on its own (fail-open): start from a shared state.
        for (const base of [urlA, urlB]) {
          const until = Date.now() + 10_000;
          while (
            ((await (await fetch(`${base}/api/health`)).json()) as { bus?: string }).bus !== 'ok' &&
            Date.now() < until
          ) {
            await new Promise((r) => setTimeout(r, 20));
          }
        }
        const { opened, refused, closeAll } = await upgradeMany([urlA, urlB], alice.token, 100);
        await closeAll();
        expect(refused.filter((s) => s !== 429)).toEqual([]);
        expect(opened.length).toBeLessThanOrEqual(20);
        expect(opened.length).toBeGreaterThan(0);
      } finally {
        await b.close();
        await t.rebuild({ ALLOWED_ORIGINS: ORIGIN, WS_FRAMES_PER_SEC: '20', WS_FRAMES_BURST: '60' });
        url = await t.listen();
      }
    },
  );

  it('[logout] closes every socket of that session with 4401, and only those', async () => {
    const second = await registerUser(t.app, 'alice2');
    const a1 = await connect(alice);
    const a2 = await connect(alice);
    const other = await connect(second);
    expect((await http.post(alice, '/api/auth/logout')).statusCode).toBe(204);
    expect((await a1.closed).code).toBe(4401);
    expect((await a2.closed).code).toBe(4401);
    expect(await other.ok({ type: 'ping' })).toHaveProperty('serverTime');
  });
});
