// Durable sends on real Postgres (or, with --db=pglite, on the embedded default): how many acked
// sends per second into one chat and into 100 chats, their p50/p99, and p99 at a fixed 1 000
// sends/s; then a check that the database holds exactly the acked messages with gapless seqs per
// chat. See docs/BENCHMARKS.md.
//
//   pnpm --filter @chatsockets/bench send [--quick] [--only=one,many,http,open] [--rate=1000] [--db=pglite]

import { randomUUID } from 'node:crypto';
import type { Message } from '@chatsockets/protocol';
import { PGlite } from '@electric-sql/pglite';
import type { Api } from './lib/api.js';
import { onCleanup, runCleanup } from './lib/cleanup.js';
import { type BenchClient, WsProtocolClient } from './lib/clients.js';
import { createThrowawayDb, pgliteDirOption, type ThrowawayDb } from './lib/db.js';
import { quietest } from './lib/noise.js';
import { CpuMeter, type CpuWindow } from './lib/proc.js';
import { writeResults } from './lib/results.js';
import { revision } from './lib/spawn.js';
import { flag, fmt, fmtInt, mapLimit, option, Samples, sleep, table } from './lib/stats.js';
import { ChatsocketsTarget } from './lib/targets.js';

const QUICK = flag('quick');
/** `--only=one,many,http,open`: a subset of the runs (default all), e.g. the open loop on a fresh database. */
const ONLY = option('only')?.split(',');
const RUNS = ['one', 'many', 'http', 'open'];
const unknownRun = ONLY?.find((r) => !RUNS.includes(r));
if (unknownRun) throw new Error(`--only: no run "${unknownRun}" (runs: ${RUNS.join(', ')})`);
const wanted = (run: string) => !ONLY || ONLY.includes(run);
const CONFIG = {
  dbPoolMax: 20,
  warmupS: QUICK ? 1 : 2,
  closedLoopS: QUICK ? 4 : 15,
  openLoopS: QUICK ? 5 : 20,
  oneChatSenders: 32,
  manyChats: 100,
  /** `--rate=N`: the open loop's offered sends/s. */
  openLoopRate: Number(option('rate') ?? 1000),
};
const pct = (cpuS: number | undefined, wallS: number) =>
  cpuS === undefined ? '–' : `${fmt((cpuS / wallS) * 100, 0)} %`;
const BODY = 'benchmark message: lorem ipsum dolor sit amet, consectetur adipiscing elit';

/** Everything the server acknowledged, to hold the database against at the end. */
const acked = new Map<string, { chatId: string; seq: number }>();
let unacked = 0;

interface Sender {
  chatId: string;
  send(): Promise<Message>;
}

interface RunResult {
  name: string;
  sends: number;
  errors: number;
  wallS: number;
  latency: Samples;
  cpu: CpuWindow;
  offeredRate?: number;
  /** Mean sends stored per transaction (group commit), warm-up included. */
  sendsPerTx?: number;
}

function record(message: Message) {
  acked.set(message.id, { chatId: message.chatId, seq: message.seq });
}

/** Closed loop: each sender sends, waits for the ack, sends again, until time is up. */
async function closedLoop(name: string, server: ChatsocketsTarget, senders: Sender[]): Promise<RunResult> {
  const latency = new Samples();
  const start = performance.now();
  const measureFrom = start + CONFIG.warmupS * 1000;
  const stopAt = measureFrom + CONFIG.closedLoopS * 1000;
  let sends = 0;
  let errors = 0;
  let meter: CpuMeter | undefined;
  const meterTimer = setTimeout(() => {
    meter = new CpuMeter(server.pid, server.postgresPids);
  }, measureFrom - start);
  let end: ReturnType<CpuMeter['snap']> | undefined;
  const endTimer = setTimeout(() => {
    end = meter?.snap();
  }, stopAt - start);
  await Promise.all(
    senders.map(async (sender) => {
      for (let n = 0; n < 1_000_000 && performance.now() < stopAt; n++) {
        const t = performance.now();
        try {
          record(await sender.send());
          const done = performance.now();
          if (t >= measureFrom && done <= stopAt) {
            sends++;
            latency.add(done - t);
          }
        } catch (err) {
          errors++;
          unacked++;
          if (errors <= 3) console.error(`[${name}] send failed: ${(err as Error).message}`);
        }
      }
    }),
  );
  clearTimeout(meterTimer);
  clearTimeout(endTimer);
  if (!meter) throw new Error('measurement window never opened');
  const cpu = await meter.result(end);
  return { name, sends, errors, wallS: CONFIG.closedLoopS, latency, cpu };
}

/**
 * Open loop at a fixed rate, round-robin over the senders, on a schedule that never waits for
 * acks; latency runs from the scheduled time (no coordinated omission).
 */
async function openLoop(
  name: string,
  server: ChatsocketsTarget,
  senders: Sender[],
  rate: number,
): Promise<RunResult> {
  const latency = new Samples();
  const total = Math.round((CONFIG.warmupS + CONFIG.openLoopS) * rate);
  const warmupCount = Math.round(CONFIG.warmupS * rate);
  const intervalMs = 1000 / rate;
  const t0 = performance.now() + 50;
  let next = 0;
  let inFlight = 0;
  let sends = 0;
  let errors = 0;
  let meter: CpuMeter | undefined;
  let firstDue = 0;
  let lastAck = 0;
  let end: ReturnType<CpuMeter['snap']> | undefined;
  // The window runs from the first measured send's scheduled time to the last ack (or failure).
  const settle = () => {
    if (next >= total && inFlight === 0 && meter && !end) end = meter.snap();
  };
  await new Promise<void>((done) => {
    const pump = () => {
      const now = performance.now();
      while (next < total && t0 + next * intervalMs <= now) {
        const n = next++;
        const due = t0 + n * intervalMs;
        if (n === warmupCount) {
          meter = new CpuMeter(server.pid, server.postgresPids);
          firstDue = due;
        }
        const sender = senders[n % senders.length]!;
        inFlight++;
        sender.send().then(
          (message) => {
            inFlight--;
            record(message);
            if (n >= warmupCount) {
              sends++;
              lastAck = performance.now();
              latency.add(lastAck - due);
            }
            settle();
          },
          (err: unknown) => {
            inFlight--;
            errors++;
            unacked++;
            if (errors <= 3) console.error(`[${name}] send failed: ${(err as Error).message}`);
            settle();
          },
        );
      }
      if (next >= total) done();
      else setTimeout(pump, Math.max(0, t0 + next * intervalMs - performance.now()));
    };
    setTimeout(pump, 50);
  });
  const deadline = performance.now() + 30_000;
  while (inFlight > 0 && performance.now() < deadline) await sleep(10);
  settle();
  if (!meter) throw new Error('measurement window never opened');
  const cpu = await meter.result(end);
  // Achieved rate: acks over the time from the first measured schedule to the last ack.
  return { name, sends, errors, wallS: (lastAck - firstDue) / 1000, latency, cpu, offeredRate: rate };
}

const wsSender = (client: BenchClient, chatId: string): Sender => ({
  chatId,
  send: () => client.send(chatId, BODY),
});

const httpSender = (api: Api, token: string, chatId: string): Sender => ({
  chatId,
  send: async () => (await api.send(token, chatId, randomUUID(), BODY)).message,
});

interface Verification {
  chats: number;
  rows: number;
  acked: number;
  missing: number;
  extra: number;
  seqMismatch: number;
  chatsWithGaps: number;
  lastSeqMismatch: number;
}

/** The database holds exactly the acked messages, and every chat's seqs are 1..n with no gap. */
type Query = <T>(text: string) => Promise<T[]>;

/** Read-only queries on the database the server wrote: Postgres, or a PGlite directory once the server has stopped. */
async function databaseQuery(db: ThrowawayDb, pgliteDir: string | undefined) {
  if (!pgliteDir) return { query: ((text) => db.sql.unsafe(text)) as Query, close: async () => {} };
  const pg = await PGlite.create(pgliteDir);
  const query: Query = async <T>(text: string) => (await pg.query<T>(text)).rows;
  return { query, close: () => pg.close() };
}

async function verify(query: Query): Promise<Verification> {
  const rows = await query<{ id: string; chat_id: string; seq: number }>(
    'select id, chat_id, seq from messages',
  );
  const perChat = await query<{ chat_id: string; n: number; lo: number; hi: number; distinct_seqs: number }>(
    `select chat_id, count(*)::int as n, min(seq)::int as lo, max(seq)::int as hi,
            count(distinct seq)::int as distinct_seqs
     from messages group by chat_id`,
  );
  const lastSeqs = await query<{ id: string; last_seq: number }>('select id, last_seq from chats');
  const lastSeq = new Map(lastSeqs.map((c) => [c.id, c.last_seq]));
  const inDb = new Set<string>();
  let extra = 0;
  let seqMismatch = 0;
  for (const row of rows) {
    inDb.add(row.id);
    const a = acked.get(row.id);
    if (!a) extra++;
    else if (a.chatId !== row.chat_id || a.seq !== row.seq) seqMismatch++;
  }
  let missing = 0;
  for (const id of acked.keys()) if (!inDb.has(id)) missing++;
  return {
    chats: perChat.length,
    rows: rows.length,
    acked: acked.size,
    missing,
    extra,
    seqMismatch,
    chatsWithGaps: perChat.filter((c) => c.lo !== 1 || c.hi !== c.n || c.distinct_seqs !== c.n).length,
    lastSeqMismatch: perChat.filter((c) => lastSeq.get(c.chat_id) !== c.n).length,
  };
}

async function main() {
  const startedAt = Date.now();
  const db = await createThrowawayDb();
  onCleanup(() => db.drop());
  const pgliteDir = pgliteDirOption();
  const server = new ChatsocketsTarget(db, { DB_POOL_MAX: String(CONFIG.dbPoolMax) }, pgliteDir);
  await server.start();
  onCleanup(() => server.stop());
  console.log(
    `revision ${revision()}; database ${db.name}; server pid ${server.pid}; ${QUICK ? 'quick' : 'full'} run`,
  );

  const userCount = Math.max(CONFIG.oneChatSenders, CONFIG.manyChats);
  await server.ensureUsers(userCount);
  console.log(`registered ${userCount} users in ${fmt(server.registerSeconds)} s`);
  const api = server.api;
  const users = server.users;

  // (a) one chat: every sender a member of it, one socket each.
  const oneChat = await api.createChat(
    users[0]!.token,
    'send bench: one chat',
    users.slice(1, CONFIG.oneChatSenders).map((u) => u.user.username),
  );
  // (b) 100 chats: one per user, that user its only sender.
  const manyChats = await mapLimit(users.slice(0, CONFIG.manyChats), 8, (u, i) =>
    api.createChat(u.token, `send bench: chat ${i}`, []),
  );
  const url = `ws://127.0.0.1:${server.port}/ws`;
  const sockets = await mapLimit(users.slice(0, userCount), 50, (u) =>
    WsProtocolClient.connect(url, { authorization: `Bearer ${u.token}` }),
  );

  const results: RunResult[] = [];
  const withBatches = async (r: () => Promise<RunResult>): Promise<RunResult> => {
    const before = await api.sendBatches();
    const result = await r();
    const after = await api.sendBatches();
    return {
      ...result,
      sendsPerTx: (after.sends - before.sends) / (after.transactions - before.transactions),
    };
  };
  const run = async (r: () => Promise<RunResult>) => {
    const result = await quietest(
      'send',
      () => withBatches(r),
      (x) => x.cpu.otherCpuS / x.cpu.wallS,
    );
    results.push(result);
    console.log(
      `[${result.name}] ${fmtInt(result.sends / result.wallS)} sends/s, p50 ${fmt(result.latency.percentile(50), 2)} ms, p99 ${fmt(result.latency.percentile(99), 2)} ms, errors ${result.errors}`,
    );
  };
  if (wanted('one'))
    await run(() =>
      closedLoop(
        `WS, 1 chat, ${CONFIG.oneChatSenders} senders`,
        server,
        sockets.slice(0, CONFIG.oneChatSenders).map((s) => wsSender(s, oneChat.id)),
      ),
    );
  if (wanted('many'))
    await run(() =>
      closedLoop(
        `WS, ${CONFIG.manyChats} chats, ${CONFIG.manyChats} senders`,
        server,
        manyChats.map((c, i) => wsSender(sockets[i]!, c.id)),
      ),
    );
  if (wanted('http'))
    await run(() =>
      closedLoop(
        `HTTP, ${CONFIG.manyChats} chats, ${CONFIG.manyChats} senders`,
        server,
        manyChats.map((c, i) => httpSender(api, users[i]!.token, c.id)),
      ),
    );
  if (wanted('open'))
    await run(() =>
      openLoop(
        `WS open loop, ${CONFIG.manyChats} chats`,
        server,
        manyChats.map((c, i) => wsSender(sockets[i]!, c.id)),
        CONFIG.openLoopRate,
      ),
    );
  for (const s of sockets) s.close();

  // PGlite's directory has one owner at a time: the server lets go of it first.
  if (pgliteDir) await server.stop();
  const database = await databaseQuery(db, pgliteDir);
  const check = await verify(database.query).finally(() => database.close());
  const ok =
    unacked === 0 &&
    check.missing === 0 &&
    check.extra === 0 &&
    check.seqMismatch === 0 &&
    check.chatsWithGaps === 0 &&
    check.lastSeqMismatch === 0;

  const rows = results.map((r) => [
    r.name,
    r.offeredRate ? `${fmtInt(r.offeredRate)} (offered)` : 'closed loop',
    fmtInt(r.sends / r.wallS),
    fmt(r.latency.percentile(50), 2),
    fmt(r.latency.percentile(99), 2),
    fmt(r.latency.max(), 1),
    r.errors,
    r.sendsPerTx === undefined ? '–' : fmt(r.sendsPerTx, 1),
    pct(r.cpu.serverCpuS, r.cpu.wallS),
    fmtInt(r.sends / r.cpu.serverCpuS),
    pct(r.cpu.postgresCpuS, r.cpu.wallS),
    pct(r.cpu.generatorCpuS, r.cpu.wallS),
    pct(r.cpu.otherCpuS, r.cpu.wallS),
  ]);
  console.log(
    `\n### Durable sends on ${pgliteDir ? 'PGlite (the embedded default' : `Postgres (DB_POOL_MAX=${CONFIG.dbPoolMax}`}; ${CONFIG.closedLoopS} s closed loop / ${CONFIG.openLoopS} s open loop measured after ${CONFIG.warmupS} s warm-up)\n`,
  );
  console.log(
    table(
      [
        'run',
        'load',
        'acked sends/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'errors',
        'sends per tx',
        'server CPU',
        'sends per server CPU-s',
        'Postgres CPU',
        'generator CPU',
        'other procs CPU',
      ],
      rows,
    ),
  );
  console.log(
    `\n### Database check\n\n${table(
      [
        'chats with messages',
        'rows',
        'acked',
        'acked but missing',
        'in DB but not acked',
        'wrong chat/seq',
        'chats with seq gaps',
        'chats.last_seq ≠ count',
        'verdict',
      ],
      [
        [
          check.chats,
          fmtInt(check.rows),
          fmtInt(check.acked),
          check.missing,
          check.extra,
          check.seqMismatch,
          check.chatsWithGaps,
          check.lastSeqMismatch,
          ok ? 'exactly the acked messages, gapless' : `MISMATCH (unacked sends: ${unacked})`,
        ],
      ],
    )}`,
  );
  console.log(`\ntotal ${fmt((Date.now() - startedAt) / 1000)} s`);
  writeResults('send', QUICK, {
    config: CONFIG,
    runs: results.map((r) => ({
      name: r.name,
      sendsPerS: r.sends / r.wallS,
      p50: r.latency.percentile(50),
      p99: r.latency.percentile(99),
      max: r.latency.max(),
      errors: r.errors,
      sendsPerTx: r.sendsPerTx,
      wallS: r.wallS,
      cpu: r.cpu,
    })),
    check,
  });
  if (!ok) process.exitCode = 1;
}

try {
  await main();
} finally {
  await runCleanup();
}
