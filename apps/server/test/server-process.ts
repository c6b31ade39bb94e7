import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));

export async function freePort(): Promise<number> {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as { port: number };
  srv.close();
  return port;
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The real server as a child process (`node --import tsx src/server.ts`), ready when health answers.
 * Source, not dist/: a suite run right after an edit tests the edit without a build step; the
 * e2e suites run the built server.
 */
export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const base = env.DATABASE_URL ? {} : { PGLITE_DIR: mkdtempSync(join(tmpdir(), 'chatsockets-')) };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: SERVER_DIR,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      // A machine busy with other suites must not make the server shed the test's requests.
      LOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
      // Suites reconnect one user far more often than a person does.
      WS_CONNECTS_PER_MIN: '1000000',
      ...base,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = once(child, 'exit').then(([code, signal]) => {
    // A data directory made here dies with its server; one passed in (a restart test) is the caller's.
    if (base.PGLITE_DIR) rmSync(base.PGLITE_DIR, { recursive: true, force: true });
    return { code, signal };
  });
  const url = `http://127.0.0.1:${port}`;
  // Bounds a hang, not a start: a first start on an empty PGlite directory (initdb, every
  // migration, through tsx) took over 60 s on this machine while end-to-end suites ran beside it.
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${out}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, child, output: () => out, exited };
}
