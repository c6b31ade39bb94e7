import { loadavg } from 'node:os';
import { onCleanup, runCleanup } from './lib/cleanup.js';
import type { BenchClient } from './lib/clients.js';
import { createThrowawayDb, pgliteDirOption } from './lib/db.js';
import {
  connectAll,
  FANOUT_CONFIG,
  type FanoutResult as FanoutRun,
  fanoutLayout,
  PADDING,
  runFanout,
  waitUntil,
} from './lib/fanout.js';
import { quietest } from './lib/noise.js';
import { CpuMeter, type CpuWindow, rssBytes } from './lib/proc.js';
import { writeResults } from './lib/results.js';
import { revision } from './lib/spawn.js';
import { flag, fmt, fmtInt, mapLimit, mib, option, sleep, table } from './lib/stats.js';
import {
  ChatsocketsTarget,
  chatOfSocket,
  type Layout,
  RawWsTarget,
  SocketIoTarget,
  socketsPerChat,
  type Target,
} from './lib/targets.js';

const QUICK = flag('quick');
const ONLY = option('only')?.split(',');
const SCENARIOS = option('scenarios')?.split(',') ?? ['lone', 'fanout', 'throughput', 'idle'];

const CONFIG = QUICK
  ? {
      fanout: FANOUT_CONFIG.quick,
      throughput: { sockets: 50, senders: 4, window: 16, warmupS: 1, durationS: 5 },
      lone: { sockets: 2, senders: 1, window: 1, warmupS: 1, durationS: 5 },
      idle: { sockets: 1000, chats: 10, socketsPerUser: 5 },
    }
  : {
      fanout: FANOUT_CONFIG.full,
      throughput: { sockets: 200, senders: 4, window: 16, warmupS: 2, durationS: 15 },
      lone: { sockets: 2, senders: 1, window: 1, warmupS: 2, durationS: 10 },
      idle: { sockets: 5000, chats: 50, socketsPerUser: 5 },
    };

const totalDeliveries = (clients: BenchClient[]) => clients.reduce((n, c) => n + c.deliveries, 0);

// ───────────────────────────── scenarios ─────────────────────────────

type FanoutResult = FanoutRun<CpuWindow>;

async function fanout(target: Target): Promise<FanoutResult> {
  const cfg = CONFIG.fanout;
  return runFanout({
    cfg,
    prepared: await target.prepare(fanoutLayout(cfg), 'fanout'),
    startMeter: () => new CpuMeter(target.pid, target.postgresPids),
    sendLatencyBuckets: target.sendLatencyBuckets?.bind(target),
  });
}

interface ThroughputResult {
  acks: number;
  errors: number;
  deliveries: number;
  cpu: CpuWindow;
}

/**
 * Closed loop: `senders` sockets each keep `window` sends unacked into one chat of `sockets`.
 * `lone` is the same with one send in flight into a chat of two: every send commits alone, as
 * at a chat's usual pace, so the CPU per send is the cost of a message apart from its fanout.
 */
async function throughput(
  target: Target,
  cfg: (typeof CONFIG)['throughput'] = CONFIG.throughput,
): Promise<ThroughputResult> {
  const layout: Layout = { chats: 1, sockets: cfg.sockets, socketsPerUser: 1 };
  const prepared = await target.prepare(layout, 'throughput');
  const clients = await connectAll(prepared, layout);
  const chatId = prepared.chatIds[0]!;
  const start = performance.now();
  const stopAt = start + (cfg.warmupS + cfg.durationS) * 1000;
  const maxPerLane = 1_000_000; // a count bound besides the time bound
  let acks = 0;
  let errors = 0;
  let meter: CpuMeter | undefined;
  let from = { acks: 0, deliveries: 0 };
  const warmupTimer = setTimeout(() => {
    meter = new CpuMeter(target.pid, target.postgresPids);
    from = { acks, deliveries: totalDeliveries(clients) };
  }, cfg.warmupS * 1000);
  let to: { acks: number; deliveries: number; snap: ReturnType<CpuMeter['snap']> } | undefined;
  const endTimer = setTimeout(() => {
    to = { acks, deliveries: totalDeliveries(clients), snap: meter!.snap() };
  }, stopAt - start);

  const lane = async (sender: BenchClient, lane: number) => {
    for (let n = 0; n < maxPerLane && performance.now() < stopAt; n++) {
      try {
        await sender.send(chatId, `t ${lane} ${n}${PADDING}`);
        acks++;
      } catch {
        errors++;
      }
    }
  };
  const lanes: Promise<void>[] = [];
  for (let s = 0; s < cfg.senders; s++) {
    for (let w = 0; w < cfg.window; w++) lanes.push(lane(clients[s]!, s * cfg.window + w));
  }
  await Promise.all(lanes);
  await waitUntil(() => to !== undefined, 5_000);
  clearTimeout(warmupTimer);
  clearTimeout(endTimer);
  for (const c of clients) c.close();
  if (!to || !meter) throw new Error('throughput window did not close');
  return {
    acks: to.acks - from.acks,
    errors,
    deliveries: to.deliveries - from.deliveries,
    cpu: await meter.result(to.snap),
  };
}

interface IdleResult {
  sockets: number;
  /** Memory after a full GC with 0, half and all of the sockets connected and subscribed. */
  rss: [number, number, number];
  heap: [number, number, number];
  connectS: number;
}

/**
 * `sockets` subscribed and silent: memory per socket, read after a full GC in the server. The
 * per-socket figure is the marginal one, from the second half of the sockets: the first half
 * soaks up the slack V8 and malloc keep after start-up (an RSS delta from a cold baseline
 * under-counts when freed pages get reused).
 */
async function idle(target: Target): Promise<IdleResult> {
  const cfg = CONFIG.idle;
  const layout: Layout = { chats: cfg.chats, sockets: cfg.sockets, socketsPerUser: cfg.socketsPerUser };
  const prepared = await target.prepare(layout, 'idle');
  const perChat = socketsPerChat(layout);
  const open = (indices: number[]) =>
    mapLimit(indices, 100, async (i) => {
      const client = await prepared.connect(i);
      await client.subscribe(prepared.chatIds[chatOfSocket(layout, i)]!);
      return client;
    });
  // After a full GC, V8 and malloc hand pages back to the kernel over the next seconds (we saw
  // RSS drop by 40 MiB 2.5 s after the GC): take the lowest RSS over a few seconds.
  const read = async () => {
    await target.gc();
    let rss = Number.POSITIVE_INFINITY;
    for (let k = 0; k < (QUICK ? 4 : 12); k++) {
      rss = Math.min(rss, rssBytes(target.pid));
      await sleep(500);
    }
    return { rss, heap: await target.heapUsed() };
  };
  // Warm-up: run the connect/subscribe paths once so the JIT's code is in the baseline for all.
  const warm = await open(
    prepared.chatIds.flatMap((_, c) => Array.from({ length: cfg.socketsPerUser }, (_, j) => c * perChat + j)),
  );
  for (const c of warm) c.close();
  await sleep(1000);
  const m0 = await read();
  // Half of every chat's sockets (whole users), then the other half.
  const all = Array.from({ length: cfg.sockets }, (_, i) => i);
  const firstHalf = all.filter((i) => i % perChat < perChat / 2);
  const secondHalf = all.filter((i) => i % perChat >= perChat / 2);
  const t = performance.now();
  const clients = await open(firstHalf);
  const connectFirst = performance.now() - t;
  await sleep(2000);
  const m1 = await read();
  const t2 = performance.now();
  clients.push(...(await open(secondHalf)));
  const connectS = (connectFirst + performance.now() - t2) / 1000;
  await sleep(2000);
  const m2 = await read();
  for (const c of clients) c.close();
  await sleep(500);
  return {
    sockets: cfg.sockets,
    rss: [m0.rss, m1.rss, m2.rss],
    heap: [m0.heap, m1.heap, m2.heap],
    connectS,
  };
}

// ───────────────────────────── main ─────────────────────────────

interface Results {
  fanout?: FanoutResult;
  throughput?: ThroughputResult;
  lone?: ThroughputResult;
  idle?: IdleResult;
}

async function main() {
  const startedAt = Date.now();
  const db = await createThrowawayDb();
  onCleanup(() => db.drop());
  console.log(
    `revision ${revision()}; database ${db.name}; ${QUICK ? 'quick' : 'full'} run; config ${JSON.stringify(CONFIG)}`,
  );

  const pgliteDir = pgliteDirOption();
  const pool = option('db-pool');
  const ours = new ChatsocketsTarget(db, pool ? { DB_POOL_MAX: pool } : {}, pgliteDir);
  const targets: Target[] = [ours, new RawWsTarget(), new SocketIoTarget()].filter(
    (t) => !ONLY || ONLY.includes(t.name),
  );
  const results = new Map<string, Results>();

  for (const target of targets) {
    const r: Results = {};
    results.set(target.name, r);
    for (const scenario of SCENARIOS) {
      /** One attempt: a fresh server process, the scenario, stop. */
      const attempt = async <T>(fn: (t: Target) => Promise<T>): Promise<T> => {
        await target.start();
        onCleanup(() => target.stop());
        try {
          if (target === ours) {
            const need = Math.max(CONFIG.fanout.sockets, CONFIG.throughput.sockets, CONFIG.idle.sockets / 5);
            if (ours.users.length < need) {
              console.log(`[chatsockets] registering ${need} users…`);
              await ours.ensureUsers(need);
              console.log(`[chatsockets] registered in ${fmt(ours.registerSeconds)} s`);
            }
          }
          const t = performance.now();
          const result = await fn(target);
          console.log(
            `[${target.name}] ${scenario} done in ${fmt((performance.now() - t) / 1000)} s`,
            JSON.stringify(result),
          );
          return result;
        } finally {
          await target.stop();
        }
      };
      const label = `${target.name} ${scenario}`;
      const otherCores = (x: { cpu: CpuWindow }) => x.cpu.otherCpuS / x.cpu.wallS;
      if (scenario === 'fanout') r.fanout = await quietest(label, () => attempt(fanout), otherCores);
      else if (scenario === 'throughput')
        r.throughput = await quietest(label, () => attempt(throughput), otherCores);
      else if (scenario === 'lone')
        r.lone = await quietest(label, () => attempt((t) => throughput(t, CONFIG.lone)), otherCores);
      // Memory does not depend on who else uses the CPU: one attempt.
      else if (scenario === 'idle')
        r.idle = await quietest(
          label,
          () => attempt(idle),
          () => 0,
        );
      else throw new Error(`unknown scenario ${scenario}`);
    }
  }

  const report = render(results);
  console.log(`\n${report}`);
  console.log(
    `\nload average at the end: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  console.log(`\ntotal ${fmt((Date.now() - startedAt) / 1000)} s`);
  writeResults('ws', QUICK, { config: CONFIG, results: Object.fromEntries(results) });
}

function render(results: Map<string, Results>): string {
  const out: string[] = [];
  const raw = results.get('raw-ws');
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || b === 0 ? 'n/a' : `${fmt(a / b, 2)}×`;

  /** Server CPU-seconds plus Postgres's (none for a server that has no database). */
  const withDatabase = (cpu: { serverCpuS: number; postgresCpuS: number | undefined }) =>
    cpu.serverCpuS + (cpu.postgresCpuS ?? 0);
  const pct = (cpuS: number | undefined, wallS: number) =>
    cpuS === undefined ? '–' : `${fmt((cpuS / wallS) * 100, 0)} %`;

  const fanoutRows = [...results].flatMap(([name, r]) => {
    const f = r.fanout;
    if (!f) return [];
    // Every server gets the same offered load, so CPU-seconds compare directly (also when one
    // of them needed longer to drain its backlog).
    const cpuS = f.cpu.serverCpuS;
    const rawCpuS = raw?.fanout?.cpu.serverCpuS;
    // Durability is paid partly in Postgres: the comparison that counts both.
    const withDbS = withDatabase(f.cpu);
    const rawWithDbS = raw?.fanout ? withDatabase(raw.fanout.cpu) : undefined;
    return [
      [
        name,
        fmtInt(f.sent),
        f.errors,
        `${fmtInt(f.deliveries)} / ${fmtInt(f.expected)}`,
        fmt(f.p50, 2),
        fmt(f.p99, 2),
        fmt(f.max, 1),
        fmt(f.ackP99, 2),
        pct(f.cpu.serverCpuS, f.cpu.wallS),
        pct(f.cpu.mainThreadCpuS, f.cpu.wallS),
        ratio(cpuS, rawCpuS),
        pct(f.cpu.postgresCpuS, f.cpu.wallS),
        ratio(withDbS, rawWithDbS),
        pct(f.cpu.generatorCpuS, f.cpu.wallS),
        pct(f.cpu.otherCpuS, f.cpu.wallS),
      ],
    ];
  });
  if (fanoutRows.length) {
    const c = CONFIG.fanout;
    out.push(
      `### Fanout (open loop): ${c.sockets} sockets in ${c.chats} chats, 1 sender per chat at ${c.ratePerSender} msg/s, ${c.durationS} s measured after ${c.warmupS} s warm-up`,
      '',
      'Latency: scheduled send → receipt by each of the chat\'s other sockets. CPU: % of one core over the window (send window + drain); "CPU vs raw" compares CPU-seconds for the same offered load.',
      '',
      table(
        [
          'server',
          'sent',
          'errors',
          'deliveries (got / expected)',
          'p50 ms',
          'p99 ms',
          'max ms',
          'ack p99 ms',
          'server CPU',
          'of it main thread',
          'CPU vs raw',
          'Postgres CPU',
          'server + Postgres CPU vs raw',
          'generator CPU',
          'other procs CPU',
        ],
        fanoutRows,
      ),
      '',
    );
    const ourFanout = results.get('chatsockets')?.fanout;
    if (ourFanout?.serverSendP99) {
      out.push(
        `chatsockets' own \`message.send\` handler time (its /metrics histogram, whole run incl. warm-up): p50 ${ourFanout.serverSendP50}, p99 ${ourFanout.serverSendP99}.`,
        '',
      );
    }
  }

  const tputRows = [...results].flatMap(([name, r]) => {
    const t = r.throughput;
    if (!t) return [];
    const perCpu = t.deliveries / t.cpu.serverCpuS;
    const rawPerCpu = raw?.throughput ? raw.throughput.deliveries / raw.throughput.cpu.serverCpuS : undefined;
    const perAllCpu = t.deliveries / withDatabase(t.cpu);
    const rawPerAllCpu = raw?.throughput
      ? raw.throughput.deliveries / withDatabase(raw.throughput.cpu)
      : undefined;
    return [
      [
        name,
        fmtInt(t.acks / t.cpu.wallS),
        fmtInt(t.deliveries / t.cpu.wallS),
        t.errors,
        pct(t.cpu.serverCpuS, t.cpu.wallS),
        pct(t.cpu.mainThreadCpuS, t.cpu.wallS),
        fmtInt(perCpu),
        ratio(perCpu, rawPerCpu),
        pct(t.cpu.postgresCpuS, t.cpu.wallS),
        fmtInt(perAllCpu),
        ratio(perAllCpu, rawPerAllCpu),
        pct(t.cpu.generatorCpuS, t.cpu.wallS),
        pct(t.cpu.otherCpuS, t.cpu.wallS),
      ],
    ];
  });
  if (tputRows.length) {
    const c = CONFIG.throughput;
    out.push(
      `### Throughput (closed loop): ${c.sockets} sockets in 1 chat, ${c.senders} senders × ${c.window} unacked, ${c.durationS} s measured after ${c.warmupS} s warm-up`,
      '',
      table(
        [
          'server',
          'sends/s',
          'deliveries/s',
          'errors',
          'server CPU',
          'of it main thread',
          'deliveries per server CPU-s',
          'vs raw',
          'Postgres CPU',
          'per server + Postgres CPU-s',
          'vs raw',
          'generator CPU',
          'other procs CPU',
        ],
        tputRows,
      ),
      '',
    );
  }

  const loneRows = [...results].flatMap(([name, r]) => {
    const l = r.lone;
    if (!l) return [];
    const us = (cpuS: number | undefined) => (cpuS === undefined ? undefined : (cpuS / l.acks) * 1e6);
    const rawL = raw?.lone;
    const rawUs = rawL ? (rawL.cpu.serverCpuS / rawL.acks) * 1e6 : undefined;
    return [
      [
        name,
        fmtInt(l.acks / l.cpu.wallS),
        l.errors,
        fmt(us(l.cpu.serverCpuS), 0),
        fmt(us(l.cpu.mainThreadCpuS), 0),
        ratio(us(l.cpu.serverCpuS), rawUs),
        l.cpu.postgresCpuS === undefined ? '–' : fmt(us(l.cpu.postgresCpuS), 0),
        ratio(us(withDatabase(l.cpu)), rawUs),
        pct(l.cpu.otherCpuS, l.cpu.wallS),
      ],
    ];
  });
  if (loneRows.length) {
    const c = CONFIG.lone;
    out.push(
      `### A lone send (closed loop, one send in flight, a chat of ${c.sockets}): ${c.durationS} s measured after ${c.warmupS} s warm-up`,
      '',
      'Each send commits alone and is delivered to one other socket: CPU per acked send, in µs.',
      '',
      table(
        [
          'server',
          'sends/s',
          'errors',
          'server µs/send',
          'of it main thread',
          'vs raw',
          'Postgres µs/send',
          'server + Postgres vs raw',
          'other procs CPU',
        ],
        loneRows,
      ),
      '',
    );
  }

  const idleRows = [...results].flatMap(([name, r]) => {
    const i = r.idle;
    if (!i) return [];
    const half = i.sockets / 2;
    const rssPer = (i.rss[2] - i.rss[1]) / half;
    const rawI = raw?.idle;
    const rawRssPer = rawI ? (rawI.rss[2] - rawI.rss[1]) / (rawI.sockets / 2) : undefined;
    return [
      [
        name,
        fmtInt(i.sockets),
        fmt(i.connectS, 1),
        i.rss.map(mib).join(' → '),
        fmt(rssPer / 1024, 1),
        ratio(rssPer, rawRssPer),
        fmt((i.rss[2] - i.rss[0]) / i.sockets / 1024, 1),
        i.heap.map(mib).join(' → '),
        fmt((i.heap[2] - i.heap[1]) / half / 1024, 1),
      ],
    ];
  });
  if (idleRows.length) {
    const c = CONFIG.idle;
    out.push(
      `### Idle: ${c.sockets} subscribed sockets in ${c.chats} chats (${c.socketsPerUser} sockets per user), after a full GC`,
      '',
      'Memory with 0 → half → all sockets open. Per socket: the second half\'s increase / its sockets (marginal); "from 0" divides the whole increase by all sockets.',
      '',
      table(
        [
          'server',
          'sockets',
          'connect+subscribe s',
          'RSS MiB',
          'RSS KiB/socket',
          'vs raw',
          'RSS KiB/socket from 0',
          'heap used MiB',
          'heap KiB/socket',
        ],
        idleRows,
      ),
      '',
    );
  }
  return out.join('\n');
}

try {
  await main();
} finally {
  await runCleanup();
}
