import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createScratchDatabase } from '../../test/drivers.js';
import { registerUser, type TestUser } from '../../test/factories.js';
import { startTcpProxy } from '../../test/tcp-proxy.js';
import { WsClient } from '../../test/ws-client.js';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { type Database, openDatabase } from '../db/client.js';

// An outage needs a database in another process, behind a proxy that can cut it: Postgres only.
describe.runIf(inject('databaseUrl'))('[observe-error] one error path per transport', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let database: Database;
  let app: FastifyInstance;
  let url: string;
  let alice: TestUser;
  let chatId: string;
  const logs: string[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    proxy = await startTcpProxy(Number(new URL(scratch.url).port || 5432));
    const viaProxy = new URL(scratch.url);
    viaProxy.port = String(proxy.port);
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: viaProxy.toString(),
      REQUEST_DEADLINE_MS: '1500',
      DB_STATEMENT_TIMEOUT_MS: '1000',
      HOST: '127.0.0.1',
    });
    database = await openDatabase(config.db);
    app = await buildApp(config, { database, logStream: { write: (line) => logs.push(line) } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    alice = await registerUser(app, 'alice');
    chatId = (
      await app.inject({ method: 'POST', url: '/api/chats', headers: alice.headers, payload: { title: 'T' } })
    ).json().chat.id;
  }, 60_000);
  afterAll(async () => {
    await proxy?.set('pass');
    await app?.close();
    await database?.close();
    await proxy?.close();
    await scratch?.drop();
  });

  const unavailableLines = (transport: string) =>
    logs
      .map((line) => JSON.parse(line) as { msg: string; transport?: string; err?: { message?: string } })
      .filter((l) => l.msg === 'dependency unavailable' && l.transport === transport);

  it('[observe-error] the database down: an HTTP and a WS send both answer UNAVAILABLE, and both are logged and counted', async () => {
    const c = await WsClient.connect(url, { token: alice.token });
    await proxy.set('down');
    try {
      const http = await app.inject({
        method: 'POST',
        url: `/api/chats/${chatId}/messages`,
        headers: alice.headers,
        payload: { clientId: randomUUID(), body: 'secret body' },
      });
      expect(http.json().error.code).toBe('UNAVAILABLE');
      const ws = await c.request({
        type: 'message.send',
        chatId,
        clientId: randomUUID(),
        body: 'secret body',
      });
      expect(ws).toMatchObject({ type: 'reply', ok: false, error: { code: 'UNAVAILABLE' } });
    } finally {
      await proxy.set('pass');
      await c.close();
    }
    expect(unavailableLines('http')).toHaveLength(1);
    expect(unavailableLines('ws')).toHaveLength(1);
    expect(logs.join('\n')).not.toContain('secret body');
    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/chatsockets_errors_total\{code="UNAVAILABLE",transport="http"\} 1\b/);
    expect(metrics).toMatch(/chatsockets_errors_total\{code="UNAVAILABLE",transport="ws"\} 1\b/);
  }, 30_000);
});
