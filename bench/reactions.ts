/**
 * What one reaction costs the server: a burst of reaction toggles on ONE message (the worst
 * case: every change takes the same chat's row lock), from 20 members over their sockets, while
 * 50 more sockets watch the chat. Reports, per reaction that changed something: the server's CPU,
 * Postgres's CPU, and the wall time; and checks that every watcher got every change once, in rev
 * order (the hub forwards in rev order).
 *
 *   pnpm --filter @chatsockets/bench exec tsx reactions.ts [--quick]   (docs/BENCHMARKS.md › Reactions)
 */
import { randomUUID } from 'node:crypto';
import type { ServerFrame } from '@chatsockets/protocol';
import WebSocket from 'ws';
import { createThrowawayDb } from './lib/db.js';
import { cpuSeconds } from './lib/proc.js';
import { ChatsocketsTarget } from './lib/targets.js';

const QUICK = process.argv.includes('--quick');
const REACTORS = 20;
const WATCHERS = 50;
/** Per reactor: add then remove each of these, so every frame is a real change (a rev). */
const EMOJI = ['👍', '❤️', '😂'];
const ROUNDS = QUICK ? 5 : 25;

interface Socket {
  ws: WebSocket;
  frames: ServerFrame[];
  request(frame: Record<string, unknown>): Promise<{ ok: boolean }>;
}

async function connect(port: number, token: string): Promise<Socket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { authorization: `Bearer ${token}` } });
  const frames: ServerFrame[] = [];
  const waiting = new Map<number, (r: { ok: boolean }) => void>();
  let next = 1;
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as ServerFrame;
    if (frame.type === 'reply' && typeof frame.id === 'number') waiting.get(frame.id)?.(frame);
    else frames.push(frame);
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return {
    ws,
    frames,
    request(frame) {
      const id = next++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        ws.send(JSON.stringify({ ...frame, id }));
      });
    },
  };
}

const revsOf = (frames: ServerFrame[]) =>
  frames.flatMap((f) =>
    f.type === 'reaction.added' || f.type === 'reaction.removed'
      ? [f.rev]
      : f.type === 'message.created' || f.type === 'message.updated'
        ? [f.message.rev]
        : [],
  );

/** CPU of this database's Postgres processes only (other work on the machine runs Postgres too). */
async function postgresCpu(pids: () => Promise<Set<number>>): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const pid of await pids()) {
    try {
      out.set(pid, cpuSeconds(pid));
    } catch {
      // ended meanwhile
    }
  }
  return out;
}
const spent = (before: Map<number, number>, after: Map<number, number>) =>
  [...after].reduce((sum, [pid, s]) => sum + s - (before.get(pid) ?? 0), 0);

async function main() {
  const db = await createThrowawayDb();
  const target = new ChatsocketsTarget(db);
  try {
    await target.start();
    const { api } = target;
    const users = await api.registerMany(
      Array.from({ length: REACTORS + WATCHERS }, (_, i) => `r${i}_${randomUUID().slice(0, 8)}`),
      'correct horse battery',
    );
    const [owner, ...rest] = users;
    const chat = await api.createChat(
      owner!.token,
      'reactions',
      rest.map((u) => u.user.username),
    );
    const { message } = await api.send(owner!.token, chat.id, randomUUID(), 'react to me');
    const sockets = await Promise.all(users.map((u) => connect(target.port, u.token)));
    const watchers = sockets.slice(REACTORS);
    for (const s of watchers) await s.request({ type: 'subscribe', chatId: chat.id });
    const reactors = sockets.slice(0, REACTORS);

    const serverCpu0 = cpuSeconds(target.pid);
    const pgCpu0 = await postgresCpu(target.postgresPids);
    const started = performance.now();
    // Each reactor fires its toggles back to back (one socket's frames are handled in order);
    // all reactors at once.
    const outcomes = await Promise.all(
      reactors.map(async (s) => {
        let ok = 0;
        for (let r = 0; r < ROUNDS; r++) {
          for (const emoji of EMOJI) {
            for (const type of ['reaction.add', 'reaction.remove']) {
              if ((await s.request({ type, messageId: message.id, emoji })).ok) ok++;
            }
          }
        }
        return ok;
      }),
    );
    const changes = outcomes.reduce((a, b) => a + b, 0);
    const lastRev = message.rev + changes;
    // Every watcher has every change (the sentinel is the last rev itself).
    for (const w of watchers) {
      for (let i = 0; i < 1000; i++) {
        if (revsOf(w.frames).at(-1) === lastRev) break;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    const wallMs = performance.now() - started;
    const serverCpu = cpuSeconds(target.pid) - serverCpu0;
    const pgCpu = spent(pgCpu0, await postgresCpu(target.postgresPids));
    // In rev order, each once, up to the last. A rev the hub got out of order is read back and
    // forwarded as the message's current state (a message event at its latest rev), so the revs
    // it covers do not come one by one: those are counted as read back.
    let inOrder = true;
    let readBack = 0;
    for (const w of watchers) {
      const revs = revsOf(w.frames);
      if (revs.at(-1) !== lastRev || revs.some((r, i) => i > 0 && r <= revs[i - 1]!)) inOrder = false;
      readBack += w.frames.filter((f) => f.type === 'message.created' || f.type === 'message.updated').length;
    }
    const per = (s: number) => `${((s * 1000) / changes).toFixed(3)} ms`;
    console.log(
      JSON.stringify(
        {
          reactors: REACTORS,
          watchers: WATCHERS,
          changes,
          wallMs: Math.round(wallMs),
          reactionsPerSec: Math.round((changes * 1000) / wallMs),
          serverCpuPerReaction: per(serverCpu),
          postgresCpuPerReaction: per(pgCpu),
          everyWatcherReachedTheLastRevInOrder: inOrder,
          readBackPerWatcher: Math.round(readBack / watchers.length),
        },
        null,
        2,
      ),
    );
    // The same burst as sends, for scale: one message per frame instead of one reaction.
    const sendCpu0 = cpuSeconds(target.pid);
    const sendPg0 = await postgresCpu(target.postgresPids);
    const sendStarted = performance.now();
    const sends = ROUNDS * EMOJI.length * 2;
    await Promise.all(
      reactors.map(async (s) => {
        for (let i = 0; i < sends; i++) {
          await s.request({ type: 'message.send', chatId: chat.id, clientId: randomUUID(), body: `m${i}` });
        }
      }),
    );
    const sent = reactors.length * sends;
    console.log(
      JSON.stringify(
        {
          sameBurstAsSends: sent,
          wallMs: Math.round(performance.now() - sendStarted),
          serverCpuPerSend: `${(((cpuSeconds(target.pid) - sendCpu0) * 1000) / sent).toFixed(3)} ms`,
          postgresCpuPerSend: `${((spent(sendPg0, await postgresCpu(target.postgresPids)) * 1000) / sent).toFixed(3)} ms`,
        },
        null,
        2,
      ),
    );
    for (const s of sockets) s.ws.close();
  } finally {
    await target.stop();
    await db.drop();
  }
}

await main();
