import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { sleep } from './stats.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SERVER_DIR = fileURLToPath(new URL('../../apps/server/', import.meta.url));
export const BENCH_DIR = fileURLToPath(new URL('../', import.meta.url));
/** Loaded into every server under test: `global.gc()` on SIGUSR2, so memory is read after a full GC. */
export const GC_PRELOAD = fileURLToPath(new URL('./gc-on-signal.ts', import.meta.url));
/** `--profile` on the command line: every server under test writes a V8 CPU profile here on exit. */
export const PROFILE_DIR = fileURLToPath(new URL('../results/profiles/', import.meta.url));
const PROFILE = process.argv.includes('--profile');

export interface Started {
  pid: number;
  port: number;
  child: ChildProcess;
  /** Asks for a full GC in the server (see gc-on-signal.ts) and waits for it to settle. */
  gc(): Promise<void>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

/** A port nobody listens on right now (others run servers on this machine too). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Kills whatever this process started, on any exit (including a thrown error or Ctrl-C). */
function killAll() {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
}
process.on('exit', killAll);

/**
 * `node --expose-gc --import tsx --import <gc preload> <entry>`: node itself is the child, so
 * its pid is the server's pid for /proc. Resolves once `readyPath` answers on 127.0.0.1.
 */
export async function startNode(opts: {
  name: string;
  entry: string;
  cwd: string;
  env: Record<string, string>;
  readyPath: string;
  timeoutMs?: number;
}): Promise<Started> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      // One directory per server process; V8 writes one profile per thread (the largest is the main one).
      ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}${opts.name}-${Date.now()}`] : []),
      '--import',
      'tsx',
      '--import',
      GC_PRELOAD,
      opts.entry,
    ],
    {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => running.delete(child));
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${opts.name} exited with ${child.exitCode} before ready`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${opts.name} not ready in time`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}${opts.readyPath}`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  // A server that failed to bind (EADDRINUSE) exits: make sure the answer came from our child.
  await sleep(300);
  if (child.exitCode !== null) throw new Error(`${opts.name} exited with ${child.exitCode} after ready`);
  const pid = child.pid!;
  return {
    pid,
    port,
    child,
    async gc() {
      child.kill('SIGUSR2');
      await sleep(1000);
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The commit under test, and whether the server's sources differ from it (others edit them). */
export function revision(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--', 'apps/server', 'packages', 'drizzle');
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes in apps/server, packages or drizzle' : ''}`;
  } catch {
    return 'unknown';
  }
}
