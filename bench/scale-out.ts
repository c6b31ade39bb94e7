// Scale-out benchmark: bench/ws.ts's fanout scenario on (a) one instance without Redis and
// (b) two instances sharing the database and Redis, every chat's sender on instance A and all
// of its receivers on instance B, so every delivery crosses Redis. One run, one harness. See
// docs/BENCHMARKS.md › Scale-out.
//
//   pnpm --filter @chatsockets/bench scale-out [--quick] [--quiet-wait=S] [--max-other=C] [--retries=N]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { onCleanup, runCleanup } from './lib/cleanup.js';
import { createThrowawayDb, type ThrowawayDb } from './lib/db.js';
import { FANOUT_CONFIG, type FanoutResult as FanoutRun, fanoutLayout, runFanout } from './lib/fanout.js';
import { quietest } from './lib/noise.js';
import { MultiCpuMeter, type MultiCpuWindow, pidOfComm } from './lib/proc.js';
import { writeResults } from './lib/results.js';
import { revision } from './lib/spawn.js';
import { flag, fmt, fmtInt, table } from './lib/stats.js';
import { ChatsocketsTarget, type Layout, type Prepared, socketsPerChat } from './lib/targets.js';

const QUICK = flag('quick');

/** The same fanout configuration as bench/ws.ts. */
const CONFIG = FANOUT_CONFIG[QUICK ? 'quick' : 'full'];

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

// ───────────────────────────── setups ─────────────────────────────

/** One way to run the server: which processes, where each socket connects. */
interface Setup {
  readonly name: string;
  /** The instance users register through and senders connect to. */
  readonly front: ChatsocketsTarget;
  start(): Promise<void>;
  stop(): Promise<void>;
  prepare(layout: Layout, tag: string): Promise<Prepared>;
  /** Processes whose CPU counts, by label (server pids, redis-server). */
  pids(): Record<string, number>;
}

/** (a) One instance, no Redis: the bus is a function call. */
function soloSetup(db: ThrowawayDb): Setup {
  const solo = new ChatsocketsTarget(db);
  return {
    name: '1 instance, no Redis',
    front: solo,
    start: () => solo.start(),
    stop: () => solo.stop(),
    prepare: (layout, tag) => solo.prepare(layout, tag),
    pids: () => ({ 'instance A': solo.pid }),
  };
}

/**
 * (b) Two instances on the same database and Redis (one REDIS_PREFIX per run). Socket `i` goes to
 * A when it is its chat's sender (the first socket of every chat), to B otherwise.
 */
function pairSetup(db: ThrowawayDb, prefix: string, redisPid: number | undefined): Setup {
  const env = (id: string) => ({ REDIS_URL, REDIS_PREFIX: prefix, INSTANCE_ID: `${prefix}-${id}` });
  const a = new ChatsocketsTarget(db, env('a'));
  const b = new ChatsocketsTarget(db, env('b'));
  return {
    name: '2 instances + Redis (sender on A, receivers on B)',
    front: a,
    async start() {
      // One after the other: the second start finds the migrations done.
      await a.start();
      onCleanup(() => a.stop());
      await b.start();
      onCleanup(() => b.stop());
    },
    async stop() {
      await Promise.all([a.stop(), b.stop()]);
    },
    prepare: (layout, tag) =>
      a.prepare(layout, tag, (i) => (i % socketsPerChat(layout) === 0 ? a.port : b.port)),
    pids: () => ({
      'instance A': a.pid,
      'instance B': b.pid,
      ...(redisPid === undefined ? {} : { 'redis-server': redisPid }),
    }),
  };
}

// ───────────────────────────── the scenario ─────────────────────────────

type FanoutResult = FanoutRun<MultiCpuWindow>;

/** bench/ws.ts `fanout`, with the sockets placed by the setup and CPU counted for all its processes. */
async function fanout(setup: Setup, postgresPids: () => Promise<Set<number>>): Promise<FanoutResult> {
  const pids = setup.pids();
  return runFanout({
    cfg: CONFIG,
    prepared: await setup.prepare(fanoutLayout(CONFIG), 'scale-out'),
    startMeter: () => new MultiCpuMeter(pids, postgresPids),
    sendLatencyBuckets: () => setup.front.sendLatencyBuckets(),
  });
}

// ───────────────────────────── main ─────────────────────────────

/** Deletes whatever the instances left under this run's prefix (presence keys, counters). */
function dropRedisKeys(prefix: string) {
  const url = new URL(REDIS_URL);
  const cli = (...args: string[]) =>
    execFileSync('redis-cli', ['-h', url.hostname, '-p', url.port || '6379', ...args], { encoding: 'utf8' });
  try {
    const keys = cli('--scan', '--pattern', `${prefix}:*`).split('\n').filter(Boolean);
    for (let i = 0; i < keys.length; i += 500) cli('del', ...keys.slice(i, i + 500));
    console.log(`redis: deleted ${keys.length} keys under ${prefix}:`);
  } catch (err) {
    console.error(`redis: could not delete keys under ${prefix}: (${(err as Error).message})`);
  }
}

async function main() {
  const startedAt = Date.now();
  const redisHost = new URL(REDIS_URL).hostname;
  if (redisHost !== '127.0.0.1' && redisHost !== 'localhost')
    throw new Error('benchmarks only talk to 127.0.0.1');
  const db = await createThrowawayDb();
  onCleanup(() => db.drop());
  const prefix = `chatsockets_bench_${randomBytes(6).toString('hex')}`;
  onCleanup(async () => dropRedisKeys(prefix));
  const redisPid = pidOfComm('redis-server');
  if (redisPid === undefined)
    console.log('no single redis-server process visible in /proc: its CPU is not counted');
  console.log(
    `revision ${revision()}; database ${db.name}; redis ${REDIS_URL} prefix ${prefix} (redis-server pid ${redisPid ?? '?'}); ${QUICK ? 'quick' : 'full'} run; config ${JSON.stringify(CONFIG)}`,
  );

  // The pair first: users are registered once, through instance A, and reused by the solo setup.
  const pair = pairSetup(db, prefix, redisPid);
  const solo = soloSetup(db);
  const setups = [pair, solo];
  const results = new Map<string, FanoutResult>();
  for (const setup of setups) {
    const attempt = async () => {
      await setup.start();
      onCleanup(() => setup.stop());
      try {
        if (setup.front.users.length < CONFIG.sockets) {
          console.log(`[${setup.name}] registering ${CONFIG.sockets} users…`);
          await setup.front.ensureUsers(CONFIG.sockets);
          console.log(`[${setup.name}] registered in ${fmt(setup.front.registerSeconds)} s`);
        }
        const t = performance.now();
        const result = await fanout(setup, () => db.postgresPids());
        console.log(
          `[${setup.name}] fanout done in ${fmt((performance.now() - t) / 1000)} s`,
          JSON.stringify(result),
        );
        return result;
      } finally {
        await setup.stop();
      }
    };
    if (setup !== pair) setup.front.users.push(...pair.front.users);
    results.set(setup.name, await quietest(setup.name, attempt, (r) => r.cpu.otherCpuS / r.cpu.wallS));
  }

  const report = render(results);
  console.log(`\n${report}`);
  console.log(`\ntotal ${fmt((Date.now() - startedAt) / 1000)} s`);
  writeResults('scale-out', QUICK, { config: CONFIG, results: Object.fromEntries(results) });
}

function render(results: Map<string, FanoutResult>): string {
  const c = CONFIG;
  const pct = (cpuS: number | undefined, wallS: number) =>
    cpuS === undefined ? '–' : `${fmt((cpuS / wallS) * 100, 0)} %`;
  const us = (cpuS: number, deliveries: number) =>
    deliveries > 0 ? fmt((cpuS / deliveries) * 1e6, 1) : 'n/a';
  const serverCpu = (f: FanoutResult) => (f.cpu.procs['instance A'] ?? 0) + (f.cpu.procs['instance B'] ?? 0);
  const rows = [...results].map(([name, f]) => {
    const w = f.cpu.wallS;
    const servers = serverCpu(f);
    const redis = f.cpu.procs['redis-server'];
    const all = servers + (redis ?? 0) + (f.cpu.postgresCpuS ?? 0);
    return [
      name,
      fmtInt(f.sent),
      f.errors,
      `${fmtInt(f.deliveries)} / ${fmtInt(f.expected)}`,
      fmtInt(f.deliveries / w),
      fmt(f.p50, 2),
      fmt(f.p99, 2),
      fmt(f.max, 1),
      fmt(f.ackP99, 2),
      pct(f.cpu.procs['instance A'], w),
      pct(f.cpu.procs['instance B'], w),
      pct(redis, w),
      pct(f.cpu.postgresCpuS, w),
      us(servers, f.deliveries),
      us(all, f.deliveries),
      pct(f.cpu.generatorCpuS, w),
      pct(f.cpu.otherCpuS, w),
    ];
  });
  const out = [
    `### Fanout (open loop): ${c.sockets} sockets in ${c.chats} chats, 1 sender per chat at ${c.ratePerSender} msg/s, ${c.durationS} s measured after ${c.warmupS} s warm-up`,
    '',
    "Latency: scheduled send → receipt by each of the chat's other sockets. deliveries/s and CPU: over the window (send window + drain); CPU as % of one core. µs CPU per delivery: CPU-seconds / measured deliveries, for the server processes alone and for servers + redis-server + Postgres.",
    '',
    table(
      [
        'setup',
        'sent',
        'errors',
        'deliveries (got / expected)',
        'deliveries/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'ack p99 ms',
        'instance A CPU',
        'instance B CPU',
        'redis-server CPU',
        'Postgres CPU',
        'µs server CPU / delivery',
        'µs all CPU / delivery',
        'generator CPU',
        'other procs CPU',
      ],
      rows,
    ),
    '',
    ...[...results].map(
      ([name, f]) =>
        `${name}: the sending instance's own \`message.send\` handler time (its /metrics histogram, whole run incl. warm-up): p50 ${f.serverSendP50}, p99 ${f.serverSendP99}.`,
    ),
  ];
  return out.join('\n');
}

try {
  await main();
} finally {
  await runCleanup();
}
