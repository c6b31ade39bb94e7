// What durable PGlite costs: acked HTTP sends per second into one chat on the embedded default,
// with PGLITE_FSYNC on (the default) and off, alternating runs on fresh data directories on the
// same disk. See docs/BENCHMARKS.md › PGlite fsync.
//
//   pnpm exec tsx bench/pglite-fsync.ts [--seconds=10] [--senders=16] [--rounds=2]

import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER_DIR = fileURLToPath(new URL('../apps/server/', import.meta.url));
const arg = (name: string, def: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def);
const SECONDS = arg('seconds', 10);
const SENDERS = arg('senders', 16);
const ROUNDS = arg('rounds', 2);

async function freePort(): Promise<number> {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

async function start(fsync: boolean): Promise<{ url: string; child: ChildProcess; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'chatsockets-fsync-bench-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: SERVER_DIR,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      PGLITE_DIR: dir,
      PGLITE_FSYNC: String(fsync),
      REGISTER_MAX_PER_MIN: '1000',
      LOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
    },
    stdio: 'inherit',
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, child, dir };
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function post(url: string, token: string | undefined, body: unknown) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function measure(fsync: boolean) {
  const server = await start(fsync);
  try {
    const reg = await post(`${server.url}/api/auth/register`, undefined, {
      username: `bench_${randomUUID().slice(0, 8)}`,
      password: 'correct horse battery',
    });
    const token = reg.json.token as string;
    const chat = await post(`${server.url}/api/chats`, token, { title: 'fsync bench' });
    const chatId = (chat.json.chat as { id: string }).id;
    const send = () =>
      post(`${server.url}/api/chats/${chatId}/messages`, token, {
        clientId: randomUUID(),
        body: 'benchmark message: lorem ipsum dolor sit amet',
      });
    const latencies: number[] = [];
    let errors = 0;
    const loop = async (until: number, record: boolean) => {
      while (Date.now() < until) {
        const t0 = performance.now();
        const res = await send();
        if (res.status !== 201 && res.status !== 200) errors++;
        else if (record) latencies.push(performance.now() - t0);
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, () => loop(Date.now() + 2000, false)));
    const t0 = Date.now();
    await Promise.all(Array.from({ length: SENDERS }, () => loop(t0 + SECONDS * 1000, true)));
    const wallS = (Date.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    const q = (p: number) => latencies[Math.floor(p * (latencies.length - 1))] ?? Number.NaN;
    return { rate: latencies.length / wallS, p50: q(0.5), p99: q(0.99), errors };
  } finally {
    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
    rmSync(server.dir, { recursive: true, force: true });
  }
}

const rows: string[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  for (const fsync of [true, false]) {
    const r = await measure(fsync);
    rows.push(
      `round ${round}  PGLITE_FSYNC=${String(fsync).padEnd(5)}  ${r.rate.toFixed(0).padStart(5)} sends/s` +
        `  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  errors ${r.errors}`,
    );
    console.log(rows[rows.length - 1]);
  }
}
console.log(
  `\n${SENDERS} HTTP senders, one chat, ${SECONDS} s per run after 2 s warm-up\n${rows.join('\n')}`,
);
