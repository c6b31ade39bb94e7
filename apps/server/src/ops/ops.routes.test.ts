import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redoclyLint } from '../../scripts/redocly.js';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { registerUser } from '../../test/factories.js';
import { WsClient } from '../../test/ws-client.js';

interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  parameters?: Array<{ in: string; name: string }>;
}

// Operations endpoints do no database work of their own beyond health: one driver is enough.
describe('operations', () => {
  let t: TestContext;
  let url: string;
  beforeAll(async () => {
    t = await buildTestApp('pglite');
    url = await t.listen();
  });
  afterAll(() => t.close());

  it('[metrics] Prometheus text: connections, frames in and out, bytes, sends, latency, errors', async () => {
    const u = await registerUser(t.app);
    const c = await WsClient.connect(url, { token: u.token });
    await c.ok({ type: 'ping' });
    await c.request({ type: 'nope' });
    const res = await t.app.inject({ url: '/metrics' });
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/chatsockets_ws_connections 1\b/);
    expect(res.body).toMatch(/chatsockets_ws_frames_in_total\{type="ping"\} 1\b/);
    expect(res.body).toMatch(/chatsockets_ws_frames_out_total 3\b/); // hello + 2 replies
    expect(res.body).toMatch(/chatsockets_ws_bytes_out_total [1-9]\d+/);
    expect(res.body).toMatch(/chatsockets_errors_total\{code="BAD_REQUEST",transport="ws"\} 1\b/);
    expect(res.body).toContain('# TYPE chatsockets_send_latency_seconds histogram');
    await c.close();
  });

  it('[metrics] HTTP sends and HTTP errors are counted like WS ones, with transport="http"', async () => {
    const u = await registerUser(t.app);
    const metric = async (re: RegExp) =>
      Number(re.exec((await t.app.inject({ url: '/metrics' })).body)?.[1] ?? 0);
    const sentHttp = /chatsockets_messages_sent_total\{transport="http"\} (\d+)/;
    const latencyHttp = /chatsockets_send_latency_seconds_count\{transport="http"\} (\d+)/;
    const notFoundHttp = /chatsockets_errors_total\{code="NOT_FOUND",transport="http"\} (\d+)/;
    const badRequestHttp = /chatsockets_errors_total\{code="BAD_REQUEST",transport="http"\} (\d+)/;
    const before = await Promise.all([sentHttp, latencyHttp, notFoundHttp, badRequestHttp].map(metric));

    const chat = await t.app.inject({
      method: 'POST',
      url: '/api/chats',
      headers: u.headers,
      payload: { title: 'm' },
    });
    const chatId = chat.json().chat.id as string;
    const send = (clientId: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/chats/${chatId}/messages`,
        headers: u.headers,
        payload: { clientId, body: 'hi' },
      });
    expect((await send(crypto.randomUUID())).statusCode).toBe(201);
    const missing = `/api/chats/${crypto.randomUUID()}/messages`;
    expect((await t.app.inject({ url: missing, headers: u.headers })).statusCode).toBe(404);
    expect((await send('not a uuid')).statusCode).toBe(400);

    const after = await Promise.all([sentHttp, latencyHttp, notFoundHttp, badRequestHttp].map(metric));
    expect(after.map((n, i) => n - before[i]!)).toEqual([1, 1, 1, 1]);
  });

  it('[docs] /docs serves the OpenAPI document of every HTTP route', async () => {
    const doc = (await t.app.inject({ url: '/docs/json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/api/auth/register', '/api/chats', '/api/chats/{chatId}/messages', '/api/health']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect((await t.app.inject({ url: '/docs/' })).statusCode).toBe(200);
  });

  it('[docs] every operation has a unique operationId and a summary; path parameters are declared; servers set', async () => {
    const doc = (await t.app.inject({ url: '/docs/json' })).json() as {
      servers?: unknown[];
      paths: Record<string, Record<string, OpenApiOperation>>;
    };
    expect(doc.servers?.length).toBeGreaterThan(0);
    const ids: string[] = [];
    const missing: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(methods)) {
        const where = `${method.toUpperCase()} ${path}`;
        if (!op.operationId) missing.push(`${where}: operationId`);
        if (!op.summary) missing.push(`${where}: summary`);
        if (op.operationId) ids.push(op.operationId);
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        expect(declared.sort(), where).toEqual(inPath.sort());
      }
    }
    expect(missing).toEqual([]);
    expect(ids.length).toBeGreaterThan(20);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('[docs] Redocly lint (recommended rules) passes on /docs/json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatsockets-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, (await t.app.inject({ url: '/docs/json' })).body);
      const lint = redoclyLint(file);
      expect(lint.status, lint.output).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
