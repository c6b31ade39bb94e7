import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createScratchDatabase } from '../test/drivers.js';
import { seededPgliteDir } from '../test/pglite-template.js';
import { type ServerProcess, startServer } from '../test/server-process.js';
import { WsClient } from '../test/ws-client.js';

/** The process entry (server.ts): graceful shutdown as an operator sees it. */
describe('server process', () => {
  let server: ServerProcess;
  let drop: (() => Promise<void>) | undefined;
  let dbUrl: string | undefined;

  beforeAll(async () => {
    const env: Record<string, string> = {
      WS_MAX_SOCKETS_PER_USER: '1000',
      WS_FRAMES_PER_SEC: '1000',
      WS_FRAMES_BURST: '1000',
    };
    if (inject('databaseUrl')) {
      const scratch = await createScratchDatabase();
      env.DATABASE_URL = scratch.url;
      dbUrl = scratch.url;
      drop = scratch.drop;
    }
    server = await startServer(env);
  }, 300_000);
  afterAll(async () => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await drop?.();
  });

  it('[shutdown] SIGTERM with 500 sockets → each gets 1001, in-flight sends acked-and-stored or failed retriably, exit 0', async () => {
    const reg = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'correct horse battery' }),
    });
    const { token } = (await reg.json()) as { token: string };
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const chat = (await (
      await fetch(`${server.url}/api/chats`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ title: 'T' }),
      })
    ).json()) as {
      chat: { id: string };
    };
    const sockets = await Promise.all(
      Array.from({ length: 500 }, () => WsClient.connect(server.url, { token })),
    );
    // Sends in flight when the signal lands: each is either acked (and then stored) or fails retriably.
    const inflight = sockets
      .slice(0, 20)
      .map((s) =>
        s
          .request(
            { type: 'message.send', chatId: chat.chat.id, clientId: randomUUID(), body: 'in flight' },
            10_000,
          )
          .catch(() => undefined),
      );
    server.child.kill('SIGTERM');
    const codes = await Promise.all(sockets.map((s) => s.closed.then((c) => c.code)));
    expect(new Set(codes)).toEqual(new Set([1001]));
    const replies = await Promise.all(inflight);
    for (const r of replies) if (r && !r.ok) expect(r.error.code).toBe('UNAVAILABLE');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output()).not.toMatch(/"level":(50|60)/);
    if (dbUrl) {
      // Every acked send is in the database (on PGlite the data dir is gone with the process).
      const sql = postgres(dbUrl, { max: 1 });
      const [row] = await sql`select count(*)::int as n from messages`;
      await sql.end();
      expect(row?.n).toBe(replies.filter((r) => r?.ok).length);
    }
  }, 60_000);
});

describe('server process on PGlite', () => {
  it('[pglite] data survives a restart: the account made before it still logs in after', async () => {
    // An empty directory, as on a first `pnpm start`: the only suite that pays for initdb on disk.
    const dir = mkdtempSync(join(tmpdir(), 'chatsockets-restart-'));
    const credentials = JSON.stringify({ username: 'persistent', password: 'correct horse battery' });
    const post = (url: string, path: string) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: credentials,
      });
    const first = await startServer({ PGLITE_DIR: dir });
    try {
      expect((await post(first.url, '/api/auth/register')).status).toBe(201);
    } finally {
      first.child.kill('SIGTERM');
    }
    expect((await first.exited).code).toBe(0);
    const second = await startServer({ PGLITE_DIR: dir });
    try {
      expect((await post(second.url, '/api/auth/login')).status).toBe(200);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000); // two starts, the first on an empty directory: bounds a hang (server-process.ts)

  it('[pglite] a second process on the same PGLITE_DIR refuses to start, naming the holder; a kill -9 leaves no lock behind', async () => {
    const dir = seededPgliteDir('chatsockets-lock-');
    const first = await startServer({ PGLITE_DIR: dir });
    try {
      const refused = await startServer({ PGLITE_DIR: dir }).then(
        (s) => {
          s.child.kill('SIGKILL');
          return 'started';
        },
        (err: Error) => err.message,
      );
      expect(refused).toMatch(new RegExp(`PGLITE_DIR .* is in use by process ${first.child.pid}\\b`));
      const res = await fetch(`${first.url}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'holder', password: 'correct horse battery' }),
      });
      expect(res.status).toBe(201);
    } finally {
      first.child.kill('SIGKILL');
    }
    expect((await first.exited).signal).toBe('SIGKILL');
    // The lock names a process that is gone: the next start takes the directory over.
    const second = await startServer({ PGLITE_DIR: dir });
    try {
      const res = await fetch(`${second.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'holder', password: 'correct horse battery' }),
      });
      expect(res.status).toBe(200);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000); // three starts: bounds a hang (server-process.ts)
});
