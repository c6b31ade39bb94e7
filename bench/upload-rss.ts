// Memory under concurrent large uploads (docs/BENCHMARKS.md › Uploads): a real server process
// (filesystem blob store, PGlite) receives N concurrent uploads of SIZE MiB each; its RSS is
// sampled from /proc while they stream. The bytes are generated on the fly by this process.
//
//   pnpm exec tsx bench/upload-rss.ts [--uploads=10] [--mib=25]

import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER_DIR = fileURLToPath(new URL('../apps/server/', import.meta.url));
const arg = (name: string, def: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def);
const UPLOADS = arg('uploads', 10);
const MIB = arg('mib', 25);

async function freePort(): Promise<number> {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

const rssOf = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
};

/** SIZE bytes in 64 KiB chunks, made as they are read. */
function body(size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  const chunk = new Uint8Array(64 * 1024).map((_, i) => (i * 31) % 251);
  return new ReadableStream({
    pull(controller) {
      if (sent >= size) return controller.close();
      const n = Math.min(chunk.length, size - sent);
      controller.enqueue(chunk.slice(0, n));
      sent += n;
    },
  });
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'chatsockets-upload-bench-'));
  const port = await freePort();
  let server: ChildProcess | undefined;
  try {
    server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: SERVER_DIR,
      env: {
        PATH: process.env.PATH,
        PGLITE_DIR: join(dir, 'pglite'),
        BLOB_DIR: join(dir, 'blobs'),
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        NODE_ENV: 'development',
        LOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
        HTTP_REQUEST_TIMEOUT_MS: '0',
        UPLOAD_QUOTA_BYTES: '0',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const api = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (
        await fetch(`${api}/api/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 600) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
    const reg = await fetch(`${api}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'uploader', password: 'correct horse battery' }),
    });
    const { token } = (await reg.json()) as { token: string };
    // One small upload first, so code paths are loaded before the baseline.
    await fetch(`${api}/api/uploads?clientId=warm&name=warm.bin`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(1000),
    });
    const pid = server.pid as number;
    const baseline = rssOf(pid);
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssOf(pid));
    }, 20);
    const size = MIB * 1024 * 1024;
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: UPLOADS }, (_, i) =>
        fetch(`${api}/api/uploads?clientId=${randomUUID()}&name=big-${i}.bin`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
          body: body(size),
          duplex: 'half',
        } as RequestInit).then(async (r) => ({
          status: r.status,
          json: (await r.json()) as { attachment?: { size: number } },
        })),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const ok = results.filter((r) => r.status === 201 && r.json.attachment?.size === size).length;
    console.log(
      `${UPLOADS} concurrent uploads of ${MIB} MiB: ${ok} stored whole in ${seconds.toFixed(1)} s; server RSS ${baseline.toFixed(0)} MiB before, peak ${peak.toFixed(0)} MiB (+${(peak - baseline).toFixed(0)} MiB for ${UPLOADS * MIB} MiB received)`,
    );
  } finally {
    server?.kill('SIGTERM');
    if (server) await once(server, 'exit').catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
