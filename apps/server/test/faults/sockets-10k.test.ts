import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createScratchDatabase } from '../drivers.js';
import { type ServerProcess, startServer } from '../server-process.js';
import { WsClient } from '../ws-client.js';

const rssKiB = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
const SOCKETS = 10_000;

describe('10 000 sockets held open', () => {
  let server: ServerProcess;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const env: Record<string, string> = {
      WS_MAX_SOCKETS_PER_USER: '20000',
      WS_CONNECTS_PER_MIN: '1000000',
      REGISTER_MAX_PER_MIN: '1000',
      HEARTBEAT_MS: '10000',
    };
    if (inject('databaseUrl')) {
      const scratch = await createScratchDatabase();
      env.DATABASE_URL = scratch.url;
      drop = scratch.drop;
    }
    server = await startServer(env);
  }, 90_000);
  afterAll(async () => {
    if (server?.child.exitCode === null) server.child.kill('SIGKILL');
    await drop?.();
  });

  it('[memory] 10 000 idle sockets in 50 chats: memory per socket bounded and reported', async () => {
    const post = async (path: string, token: string | undefined, body: unknown) =>
      (await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      }).then((r) => r.json())) as Record<string, { id: string }> & { token: string };
    const owner = await post('/api/auth/register', undefined, {
      username: 'owner',
      password: 'correct horse battery',
    });
    const chats: string[] = [];
    for (let i = 0; i < 50; i++)
      chats.push(
        (await post('/api/chats', owner.token, { title: `room ${i}`, visibility: 'public' })).chat!.id,
      );

    const pid = server.child.pid!;
    const before = rssKiB(pid);
    const sockets: WsClient[] = [];
    for (let i = 0; i < SOCKETS; i += 250) {
      const batch = await Promise.all(
        Array.from({ length: 250 }, () => WsClient.connect(server.url, { token: owner.token })),
      );
      await Promise.all(
        batch.map((s, j) => s.ok({ type: 'subscribe', chatId: chats[(i + j) % chats.length] })),
      );
      sockets.push(...batch);
    }
    await new Promise((r) => setTimeout(r, 1000));
    const after = rssKiB(pid);
    const perSocket = ((after - before) * 1024) / SOCKETS;
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    console.log(
      `[memory] ${SOCKETS} sockets: server RSS ${Math.round(before / 1024)} → ${Math.round(after / 1024)} MiB, ` +
        `${(perSocket / 1024).toFixed(1)} KiB per socket; ${/chatsockets_ws_connections \d+/.exec(metrics)?.[0]}`,
    );
    expect(metrics).toContain(`chatsockets_ws_connections ${SOCKETS}`);
    expect(perSocket).toBeLessThan(64 * 1024);
    // Still serving: a fresh client is answered while 10 000 are held.
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    await Promise.all(sockets.map((s) => s.close()));
  }, 240_000);
});
