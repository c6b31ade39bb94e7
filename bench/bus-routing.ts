// Bus routing benchmark: N instances on one database and one Redis, 1 000 chats, each chat's
// sender on one instance and its receiver on the next, so every delivery crosses Redis. Per
// instance: the chat traffic it received from Redis (its share of everything published), and
// its CPU per delivery. With per-chat channels the share is 1/N and the CPU per delivery does
// not grow with N; with one shared channel every instance would receive all of it. See
// docs/BENCHMARKS.md › Bus routing.
//
//   pnpm --filter @chatsockets/bench exec tsx bus-routing.ts [--instances=2,4] [--chats=1000] [--rate=500] [--seconds=15]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import type { Api } from './lib/api.js';
import { onCleanup, runCleanup } from './lib/cleanup.js';
import { WsProtocolClient } from './lib/clients.js';
import { createThrowawayDb } from './lib/db.js';
import { PADDING } from './lib/fanout.js';
import { MultiCpuMeter, pidOfComm } from './lib/proc.js';
import { writeResults } from './lib/results.js';
import { revision } from './lib/spawn.js';
import { fmt, fmtInt, mapLimit, sleep, table } from './lib/stats.js';
import { ChatsocketsTarget } from './lib/targets.js';

const arg = (name: string, dflt: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const INSTANCES = arg('instances', '2,4').split(',').map(Number);
const CHATS = Number(arg('chats', '1000'));
const RATE = Number(arg('rate', '500')); // sends per second, all chats together
const SECONDS = Number(arg('seconds', '15'));
const WARMUP_S = 2;
const REDIS_URL = 'redis://127.0.0.1:6379';

async function busReceived(api: Api) {
  const text = await (await fetch(`${api.base}/metrics`)).text();
  const num = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
  return {
    chat: num(/^chatsockets_bus_received_total\{kind="chat"\} (\d+)/m),
    other: num(/^chatsockets_bus_received_total\{kind="other"\} (\d+)/m),
    bytes: num(/^chatsockets_bus_received_bytes_total (\d+)/m),
  };
}

interface Row {
  instances: number;
  instance: string;
  cpuPct: number;
  deliveries: number;
  busChat: number;
  busBytes: number;
  share: number;
  usPerDelivery: number;
}

async function run(n: number) {
  const db = await createThrowawayDb();
  onCleanup(() => db.drop());
  const prefix = `chatsockets_bench_${randomBytes(6).toString('hex')}`;
  onCleanup(async () => dropRedisKeys(prefix));
  const targets = Array.from(
    { length: n },
    (_, i) =>
      new ChatsocketsTarget(db, {
        REDIS_URL,
        REDIS_PREFIX: prefix,
        INSTANCE_ID: `${prefix}-${i}`,
        DB_POOL_MAX: '5',
      }),
  );
  for (const t of targets) {
    await t.start(); // one after the other: the first migrates
    onCleanup(() => t.stop());
  }
  const front = targets[0]!;
  // Instance i: user S_i sends for the chats homed on i+1, user R_i receives the chats homed on i.
  await front.ensureUsers(2 * n);
  const sender = (i: number) => front.users[2 * i]!;
  const receiver = (i: number) => front.users[2 * i + 1]!;
  const home = (c: number) => c % n;
  const sendFrom = (c: number) => (c + 1) % n;
  const chatIds = await mapLimit(
    Array.from({ length: CHATS }, (_, c) => c),
    8,
    async (c) =>
      (await front.api.createChat(sender(sendFrom(c)).token, `bus ${c}`, [receiver(home(c)).user.username]))
        .id,
  );
  const url = (i: number) => `ws://127.0.0.1:${targets[i]!.port}/ws`;
  // Several sender sockets per instance: a socket's frames are handled one at a time, so one
  // socket would be limited by the commit latency, not by the server.
  const SOCKETS_PER_SENDER = 8;
  const senders = await Promise.all(
    Array.from({ length: n * SOCKETS_PER_SENDER }, (_, k) =>
      WsProtocolClient.connect(url(k % n), { authorization: `Bearer ${sender(k % n).token}` }),
    ),
  );
  const senderFor = (c: number) => senders[sendFrom(c) + n * (Math.floor(c / n) % SOCKETS_PER_SENDER)]!;
  const receivers = await Promise.all(
    targets.map((_, i) => WsProtocolClient.connect(url(i), { authorization: `Bearer ${receiver(i).token}` })),
  );
  for (let c = 0; c < CHATS; c++) await receivers[home(c)]!.subscribe(chatIds[c]!);
  const delivered = targets.map(() => 0);
  receivers.forEach((r, i) => {
    r.onDelivery = (body) => {
      if (body[0] === 'm') delivered[i]!++;
    };
  });

  // Open loop over the chats, round-robin, RATE sends/s in all.
  const total = Math.round((WARMUP_S + SECONDS) * RATE);
  const warm = Math.round(WARMUP_S * RATE);
  const t0 = performance.now() + 100;
  let sent = 0;
  let measured = 0;
  let errors = 0;
  let meter: MultiCpuMeter | undefined;
  let before: Awaited<ReturnType<typeof busReceived>>[] = [];
  const pids = Object.fromEntries(targets.map((t, i) => [`instance ${i}`, t.pid]));
  const redisPid = pidOfComm('redis-server');
  if (redisPid !== undefined) pids['redis-server'] = redisPid;
  while (sent < total) {
    const due = t0 + (sent * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    if (sent === warm) {
      before = await Promise.all(targets.map((t) => busReceived(t.api)));
      delivered.fill(0);
      meter = new MultiCpuMeter(pids, () => db.postgresPids());
    }
    const c = sent % CHATS;
    const isMeasured = sent >= warm;
    if (isMeasured) measured++;
    senderFor(c)
      .send(chatIds[c]!, `${isMeasured ? 'm' : 'w'} ${PADDING}`)
      .catch(() => errors++);
    sent++;
  }
  const deadline = performance.now() + 10_000;
  while (delivered.reduce((a, b) => a + b, 0) < measured && performance.now() < deadline) await sleep(20);
  const cpu = await meter!.result();
  const after = await Promise.all(targets.map((t) => busReceived(t.api)));
  for (const s of [...senders, ...receivers]) s.close();
  const totalChat = after.reduce((a, x, i) => a + x.chat - before[i]!.chat, 0);
  const rows: Row[] = targets.map((_, i) => {
    const cpuS = cpu.procs[`instance ${i}`]!;
    return {
      instances: n,
      instance: `${i}`,
      cpuPct: (cpuS / cpu.wallS) * 100,
      deliveries: delivered[i]!,
      busChat: after[i]!.chat - before[i]!.chat,
      busBytes: after[i]!.bytes - before[i]!.bytes,
      share: (after[i]!.chat - before[i]!.chat) / Math.max(1, totalChat * 1),
      usPerDelivery: (cpuS / Math.max(1, delivered[i]!)) * 1e6,
    };
  });
  for (const t of targets) await t.stop();
  await db.drop();
  return {
    n,
    rows,
    measured,
    errors,
    totalDelivered: delivered.reduce((a, b) => a + b, 0),
    cpu,
    load: loadavg()[0]!,
    allChatMessages: totalChat,
  };
}

function dropRedisKeys(prefix: string) {
  try {
    const keys = execFileSync('redis-cli', ['-h', '127.0.0.1', '--scan', '--pattern', `${prefix}:*`], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean);
    for (let i = 0; i < keys.length; i += 500)
      execFileSync('redis-cli', ['-h', '127.0.0.1', 'del', ...keys.slice(i, i + 500)]);
  } catch {}
}

async function main() {
  const started = Date.now();
  console.log(
    `revision ${revision()}; ${CHATS} chats, ${RATE} sends/s, ${SECONDS} s measured; load ${loadavg()[0]}`,
  );
  const runs = [];
  for (const n of INSTANCES) {
    const r = await run(n);
    runs.push(r);
    console.log(JSON.stringify(r));
  }
  const rows = runs.flatMap((r) =>
    r.rows.map((x) => [
      `${r.n}`,
      x.instance,
      `${fmtInt(r.measured)} (${r.errors} errors)`,
      fmtInt(x.deliveries),
      fmtInt(x.busChat),
      `${fmt(x.share * 100, 1)} %`,
      fmtInt(x.busBytes / Math.max(1, x.busChat)),
      `${fmt(x.cpuPct, 0)} %`,
      fmt(x.usPerDelivery, 0),
      `${fmt(((r.cpu.procs['redis-server'] ?? 0) / r.cpu.wallS) * 100, 0)} %`,
      `${fmt(((r.cpu.postgresCpuS ?? 0) / r.cpu.wallS) * 100, 0)} %`,
      `${fmt((r.cpu.otherCpuS / r.cpu.wallS) * 100, 0)} %`,
      fmt(r.load, 1),
    ]),
  );
  const report = table(
    [
      'instances',
      'instance',
      'sent (measured)',
      'deliveries here',
      'chat msgs from Redis',
      'share of all chat traffic',
      'bytes / msg',
      'instance CPU',
      'µs instance CPU / delivery',
      'redis-server CPU',
      'Postgres CPU',
      'other procs CPU',
      'load avg (1 min)',
    ],
    rows,
  );
  console.log(`\n${report}\n\ntotal ${fmt((Date.now() - started) / 1000)} s`);
  writeResults('bus-routing', false, { runs });
}

try {
  await main();
} finally {
  await runCleanup();
}
