import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createScratchDatabase } from '../test/drivers.js';
import { registerUser, type TestUser } from '../test/factories.js';
import { startServer } from '../test/server-process.js';
import { startTcpProxy } from '../test/tcp-proxy.js';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { type Database, openDatabase } from './db/client.js';
import { rowsOf } from './db/ids.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Fault injection needs a database in another process: real Postgres only (PGlite is in-process).
// The promise under test is a time bound: an answer by the deadline, not at some driver's
// connect timeout (5 s) or never. Twice the deadline leaves a loaded machine room for late timers
// while still telling the deadline from those.
const DEADLINE_MS = 1500;
const ANSWERED_WITHIN_MS = 2 * DEADLINE_MS;

describe.runIf(inject('databaseUrl'))('failures on postgres', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let app: FastifyInstance;
  let database: Database;
  let direct: Database;
  let alice: TestUser;
  let chatId: string;
  const logs: string[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    const target = new URL(scratch.url);
    proxy = await startTcpProxy(Number(target.port || 5432));
    const viaProxy = new URL(scratch.url);
    viaProxy.port = String(proxy.port);
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: viaProxy.toString(),
      REQUEST_DEADLINE_MS: String(DEADLINE_MS),
      LOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
      DB_STATEMENT_TIMEOUT_MS: '1000',
      DB_POOL_MAX: '4',
    });
    database = await openDatabase(config.db);
    app = await buildApp(config, { database, logStream: { write: (line) => logs.push(line) } });
    direct = await openDatabase({
      driver: 'postgres',
      url: scratch.url,
      poolMax: 1,
      prepare: true,
      statementTimeoutMs: 5000,
    });
    alice = await registerUser(app, 'alice');
    chatId = (
      await app.inject({ method: 'POST', url: '/api/chats', headers: alice.headers, payload: { title: 'T' } })
    ).json().chat.id;
  }, 60_000);
  afterAll(async () => {
    await proxy?.set('pass');
    await app?.close();
    await database?.close();
    await direct?.close();
    await proxy?.close();
    await scratch?.drop();
  });

  const send = (clientId: string) =>
    app.inject({
      method: 'POST',
      url: `/api/chats/${chatId}/messages`,
      headers: alice.headers,
      payload: { clientId, body: clientId },
    });
  const stored = async () =>
    rowsOf<{ client_id: string; seq: number }>(
      await direct.db.execute(sql`select client_id, seq from messages order by seq`),
    );

  it('[db-down] Postgres gone for 5 s: UNAVAILABLE fast, health 503 → 200, nothing acked lost, resends stored once', async () => {
    const acked = new Set<string>();
    const failed: string[] = [];
    const record = async (clientId: string) => {
      const started = Date.now();
      const res = await send(clientId);
      if (res.statusCode === 201 || res.statusCode === 200) acked.add(clientId);
      else {
        expect(res.statusCode).toBe(503);
        expect(res.json().error.code).toBe('UNAVAILABLE');
        expect(Date.now() - started).toBeLessThan(ANSWERED_WITHIN_MS);
        failed.push(clientId);
      }
    };
    for (let i = 0; i < 5; i++) await record(randomUUID());
    await proxy.set('down');
    const outage = Date.now();
    while (Date.now() - outage < 5000) {
      await record(randomUUID());
      await sleep(200);
    }
    const health = await app.inject({ url: '/api/health' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ status: 'unavailable', db: 'down' });
    await proxy.set('pass');
    for (let i = 0; i < 50 && (await app.inject({ url: '/api/health' })).statusCode !== 200; i++)
      await sleep(100);
    expect((await app.inject({ url: '/api/health' })).statusCode).toBe(200);
    expect(failed.length).toBeGreaterThan(5);
    // The client retries what failed, with the same clientIds; some may have committed before the cut.
    for (const clientId of failed) expect([200, 201]).toContain((await send(clientId)).statusCode);
    const rows = await stored();
    const ids = rows.map((r) => r.client_id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const clientId of [...acked, ...failed]) expect(ids).toContain(clientId);
    expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
  }, 60_000);

  it('[db-hang] a database that accepts TCP then hangs → UNAVAILABLE within the deadline, then recovery', async () => {
    await proxy.set('hang');
    const started = Date.now();
    const res = await send(randomUUID());
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(ANSWERED_WITHIN_MS);
    const health = await app.inject({ url: '/api/health' });
    expect(health.statusCode).toBe(503);
    await proxy.set('pass');
    await proxy.set('down'); // cut the frozen connections so the pool reconnects
    await proxy.set('pass');
    let ok = 0;
    for (let i = 0; i < 60 && ok === 0; i++) {
      if ((await send(randomUUID())).statusCode === 201) ok++;
      else await sleep(200);
    }
    expect(ok).toBe(1);
  }, 60_000);

  it('[db-errors] an unknown unique violation is a generic 500: no SQL, parameters or table names', async () => {
    await direct.db.execute(sql.raw('create unique index messages_body_test_key on messages (body)'));
    try {
      const body = `dup-${randomUUID()}`;
      const first = await app.inject({
        method: 'POST',
        url: `/api/chats/${chatId}/messages`,
        headers: alice.headers,
        payload: { clientId: randomUUID(), body },
      });
      expect(first.statusCode).toBe(201);
      const second = await app.inject({
        method: 'POST',
        url: `/api/chats/${chatId}/messages`,
        headers: alice.headers,
        payload: { clientId: randomUUID(), body },
      });
      expect(second.statusCode).toBe(500);
      expect(second.json()).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
      expect(second.body).not.toMatch(/messages|insert|select|dup-|body_test/i);
      // The log has the error (with its constraint) but never the message body.
      expect(logs.join('\n')).toContain('messages_body_test_key');
      expect(logs.join('\n')).not.toContain(body);
    } finally {
      await direct.db.execute(sql.raw('drop index messages_body_test_key'));
    }
  });

  it('[db-down] a server started while Postgres is down comes up once it is back', async () => {
    await proxy.set('down');
    const viaProxy = new URL(scratch.url);
    viaProxy.port = String(proxy.port);
    const starting = startServer({ DATABASE_URL: viaProxy.toString() });
    await sleep(2500);
    await proxy.set('pass');
    const server = await starting;
    try {
      expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    } finally {
      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
    }
  }, 90_000);
});
