import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { registerUser } from '../../test/factories.js';
import { WsClient } from '../../test/ws-client.js';

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

  it('[docs] /docs serves the OpenAPI document of every HTTP route', async () => {
    const doc = (await t.app.inject({ url: '/docs/json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/api/auth/register', '/api/chats', '/api/chats/{chatId}/messages', '/api/health']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect((await t.app.inject({ url: '/docs/' })).statusCode).toBe(200);
  });
});
