import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { createScratchDatabase } from '../drivers.js';
import { sleep, waitFor } from '../wait.js';

/*
 * Scale-out suites run real server processes (`node --import tsx src/server.ts`) against real
 * Postgres and Redis. Without DATABASE_URL or REDIS_URL they are skipped, unless CI said they
 * are required (REQUIRE_PG=1 / REQUIRE_REDIS=1): then they fail.
 */

const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url));

export interface Targets {
  databaseUrl: string;
  redisUrl: string;
}

export function scaleOutTargets(): Targets | undefined {
  const databaseUrl = inject('databaseUrl');
  const redisUrl = inject('redisUrl');
  if (!databaseUrl && inject('requirePg')) throw new Error('REQUIRE_PG=1 but DATABASE_URL is not set');
  if (!redisUrl && inject('requireRedis')) throw new Error('REQUIRE_REDIS=1 but REDIS_URL is not set');
  if (!databaseUrl || !redisUrl) {
    console.warn('scale-out suites skipped: they need both DATABASE_URL and REDIS_URL');
    return undefined;
  }
  return { databaseUrl, redisUrl };
}

export const SKIP_NOTE = '(skipped without DATABASE_URL and REDIS_URL)';

export async function freePort(): Promise<number> {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

export { sleep, waitFor };

export interface Instance {
  name: string;
  url: string;
  port: number;
  child: ChildProcess;
  exited: Promise<void>;
  log: () => string;
}

/**
 * A deployment of server processes on one scratch database and one Redis key prefix (so
 * files running in parallel never see each other's bus or presence). `close` kills every
 * process it ever started and drops the database: call it in afterAll.
 */
export class Cluster {
  readonly prefix = `cs_test_${randomBytes(4).toString('hex')}`;
  readonly instances: Instance[] = [];
  private readonly started: ChildProcess[] = [];
  private scratch: { url: string; drop: () => Promise<void> } | undefined;

  constructor(
    private redisUrl: string,
    private readonly env: Record<string, string> = {},
  ) {}

  get databaseUrl(): string {
    if (!this.scratch) throw new Error('cluster not started');
    return this.scratch.url;
  }

  async start(count: number): Promise<Instance[]> {
    this.scratch = await createScratchDatabase();
    // The first one migrates the fresh database alone; the others then start in parallel.
    await this.spawn('A');
    const rest = await Promise.all(
      Array.from({ length: count - 1 }, (_, i) => this.spawn(String.fromCharCode(66 + i))),
    );
    return [this.instances[0]!, ...rest];
  }

  /** Points later spawns at another Redis (the chaos suite's private one). */
  useRedis(url: string) {
    this.redisUrl = url;
  }

  async spawn(name: string, port?: number): Promise<Instance> {
    const p = port ?? (await freePort());
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: SERVER_DIR,
      // Explicit and complete: nothing leaks in from the developer's shell.
      env: {
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(p),
        LOG_LEVEL: 'warn',
        DATABASE_URL: this.databaseUrl,
        DB_POOL_MAX: '4',
        REDIS_URL: this.redisUrl,
        REDIS_PREFIX: this.prefix,
        INSTANCE_ID: `${this.prefix}-${name}-${randomBytes(2).toString('hex')}`,
        PRESENCE_TTL_MS: '1500',
        LOAD_MAX_EVENT_LOOP_DELAY_MS: '0', // a machine busy with other suites must not shed their requests
        SESSION_CHECK_MS: '600000', // a 4401 must come over the bus, not from the periodic re-check
        REGISTER_MAX_PER_MIN: '10000',
        CHAT_CREATES_PER_HOUR: '100000',
        MEMBER_ADDS_PER_HOUR: '100000',
        WS_MAX_SOCKETS_PER_USER: '1000',
        WS_CONNECTS_PER_MIN: '1000000',
        WS_FRAMES_PER_SEC: '1000',
        WS_FRAMES_BURST: '1000',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.started.push(child);
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    child.stderr?.on('data', (d) => {
      out += d;
    });
    const exited = once(child, 'exit').then(() => undefined);
    const url = `http://127.0.0.1:${p}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`${name} exited early:\n${out}`);
      const ok = await fetch(`${url}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`${name} did not start:\n${out}`);
      await sleep(100);
    }
    const instance = { name, url, port: p, child, exited, log: () => out };
    this.instances.push(instance);
    return instance;
  }

  async kill(instance: Instance, signal: NodeJS.Signals = 'SIGKILL') {
    instance.child.kill(signal);
    await instance.exited;
  }

  /** Stops every process (SIGTERM, SIGKILL after 5 s), deletes this deployment's Redis keys, drops the database. */
  async close() {
    await Promise.all(
      this.started.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }),
    );
    // Instances killed with SIGKILL leave presence keys that only a live instance would reap.
    const redis = new Redis(this.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      const keys: string[] = [];
      for await (const batch of redis.scanStream({ match: `${this.prefix}:*`, count: 500 }))
        keys.push(...batch);
      if (keys.length) await redis.del(...keys);
    } catch {
      // a Redis that is gone has no keys to clean
    } finally {
      redis.disconnect();
    }
    await this.scratch?.drop();
  }
}

export const redisServerInstalled = () => spawnSync('redis-server', ['--version']).status === 0;

/** A redis-server of the suite's own (a restart must not disturb other suites). */
export async function startPrivateRedis() {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const cli = (...args: string[]) =>
    spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' });
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--logfile', ''],
      { stdio: 'ignore' },
    );
    await waitFor('private redis', () => cli('ping').stdout.trim() === 'PONG' || undefined, 10_000);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    cli,
    /** What an operator does: SHUTDOWN NOSAVE (the data is gone), then start it again. */
    async shutdown() {
      const proc = child;
      cli('shutdown', 'nosave');
      if (proc && proc.exitCode === null) await once(proc, 'exit');
    },
    start,
    async stop() {
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
