// Scale-out benchmark: bench/ws.ts's fanout scenario on (a) one instance without Redis and
// (b) two instances sharing the database and Redis, every chat's sender on instance A and all
// of its receivers on instance B, so every delivery crosses Redis. One run, one harness. See
// docs/BENCHMARKS.md › Scale-out.
//
//   pnpm --filter @chatsockets/bench scale-out [--quick] [--quiet-wait=S] [--max-other=C] [--retries=N]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { onCleanup, runCleanup } from './lib/cleanup.js';
import type { BenchClient } from './lib/clients.js';
import { createThrowawayDb, type ThrowawayDb } from './lib/db.js';
import { quietest } from './lib/noise.js';
import { MultiCpuMeter, type MultiCpuWindow, pidOfComm } from './lib/proc.js';
import { BENCH_DIR, revision } from './lib/spawn.js';
import { flag, fmt, fmtInt, histogramPercentile, mapLimit, Samples, sleep, table } from './lib/stats.js';
import {
  ChatsocketsTarget,
  chatOfSocket,
  type Layout,
  type Prepared,
  socketsPerChat,
} from './lib/targets.js';

const QUICK = flag('quick');

/** The same fanout configuration as bench/ws.ts. */
const CONFIG = QUICK
  ? { sockets: 200, chats: 4, ratePerSender: 20, warmupS: 1, durationS: 5 }
  : { sockets: 1000, chats: 10, ratePerSender: 20, warmupS: 2, durationS: 20 };

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PADDING = ' lorem ipsum dolor sit amet, consectetur adipiscing elit';

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

interface FanoutResult {
  sent: number;
  errors: number;
  deliveries: number;
  expected: number;
  p50: number;
  p99: number;
  max: number;
  ackP50: number;
  ackP99: number;
  cpu: MultiCpuWindow;
  /** The sending instance's own `message.send` histogram over the run (bucket bounds). */
  serverSendP50?: string;
  serverSendP99?: string;
}

async function waitUntil(cond: () => boolean, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  while (!cond() && performance.now() < deadline) await sleep(20);
}

/** bench/ws.ts `fanout`, with the sockets placed by the setup and CPU counted for all its processes. */
async function fanout(setup: Setup, postgresPids: () => Promise<Set<number>>): Promise<FanoutResult> {
  const cfg = CONFIG;
  const layout: Layout = { chats: cfg.chats, sockets: cfg.sockets, socketsPerUser: 1 };
  const prepared = await setup.prepare(layout, 'scale-out');
  const indices = Array.from({ length: layout.sockets }, (_, i) => i);
  const clients: BenchClient[] = await mapLimit(indices, 100, (i) => prepared.connect(i));
  await mapLimit(indices, 100, (i) => clients[i]!.subscribe(prepared.chatIds[chatOfSocket(layout, i)]!));
  const perChat = socketsPerChat(layout);
  const senders = prepared.chatIds.map((_, c) => clients[c * perChat]!);
  const histogramBefore = await setup.front.sendLatencyBuckets();
  const latency = new Samples();
  const ackLatency = new Samples();
  let measuredDeliveries = 0;
  clients.forEach((client, i) => {
    if (i % perChat === 0) return; // the sender's own echo is not a delivery to someone else
    client.onDelivery = (body) => {
      if (body[0] !== 'm') return;
      measuredDeliveries++;
      latency.add(performance.now() - Number(body.slice(2, body.indexOf(' ', 2))));
    };
  });

  const intervalMs = 1000 / cfg.ratePerSender;
  const perSender = Math.round((cfg.warmupS + cfg.durationS) * cfg.ratePerSender);
  const warmupCount = Math.round(cfg.warmupS * cfg.ratePerSender);
  const t0 = performance.now() + 100;
  let sent = 0;
  let measuredSent = 0;
  let errors = 0;
  let inFlight = 0;
  let meter: MultiCpuMeter | undefined;
  const meterAt = t0 + warmupCount * intervalMs;
  const pids = setup.pids();

  const next = prepared.chatIds.map(() => 0);
  await new Promise<void>((done) => {
    const pump = () => {
      const now = performance.now();
      if (!meter && now >= meterAt) meter = new MultiCpuMeter(pids, postgresPids);
      let nextDue = Number.POSITIVE_INFINITY;
      for (let c = 0; c < senders.length; c++) {
        for (;;) {
          const n = next[c]!;
          if (n >= perSender) break;
          const due = t0 + (c / senders.length) * intervalMs + n * intervalMs;
          if (due > now) {
            nextDue = Math.min(nextDue, due);
            break;
          }
          next[c] = n + 1;
          const measured = n >= warmupCount;
          sent++;
          if (measured) measuredSent++;
          inFlight++;
          senders[c]!.send(prepared.chatIds[c]!, `${measured ? 'm' : 'w'} ${due.toFixed(3)}${PADDING}`).then(
            () => {
              inFlight--;
              if (measured) ackLatency.add(performance.now() - due);
            },
            () => {
              inFlight--;
              errors++;
            },
          );
        }
      }
      if (nextDue === Number.POSITIVE_INFINITY) done();
      else setTimeout(pump, Math.max(0, nextDue - performance.now()));
    };
    setTimeout(pump, Math.max(0, t0 - performance.now()));
  });
  const expected = measuredSent * (perChat - 1);
  await waitUntil(() => inFlight === 0 && measuredDeliveries >= expected, 10_000);
  if (!meter) throw new Error('measurement window never opened');
  const cpu = await meter.result();
  const histogramAfter = await setup.front.sendLatencyBuckets();
  for (const c of clients) c.close();
  return {
    serverSendP50: histogramPercentile(histogramBefore, histogramAfter, 50),
    serverSendP99: histogramPercentile(histogramBefore, histogramAfter, 99),
    sent,
    errors,
    deliveries: measuredDeliveries,
    expected,
    p50: latency.percentile(50),
    p99: latency.percentile(99),
    max: latency.max(),
    ackP50: ackLatency.percentile(50),
    ackP99: ackLatency.percentile(99),
    cpu,
  };
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
  mkdirSync(`${BENCH_DIR}results`, { recursive: true });
  const file = `${BENCH_DIR}results/scale-out-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(
    file,
    JSON.stringify(
      {
        revision: revision(),
        quick: QUICK,
        config: CONFIG,
        machine: {
          nproc: os.availableParallelism(),
          cpu: os.cpus()[0]?.model,
          node: process.version,
          memGiB: os.totalmem() / 2 ** 30,
        },
        results: Object.fromEntries(results),
      },
      null,
      2,
    ),
  );
  console.log(`raw results: ${file}`);
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
