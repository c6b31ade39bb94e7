import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsClient } from '../ws-client.js';
import { api, ChatMember, groupChat, register } from './clients.js';
import { Cluster, type Instance, SKIP_NOTE, scaleOutTargets, sleep, waitFor } from './cluster.js';

const targets = scaleOutTargets();
const PRESENCE_TTL_MS = 1500;
const CLIENTS = 20;
const SENDS_EACH = 10;

describe.skipIf(!targets)(`scale-out: an instance is SIGKILLed under load ${SKIP_NOTE}`, () => {
  let cluster: Cluster;
  let a: Instance;
  let b: Instance;
  const members: ChatMember[] = [];
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    cluster = new Cluster(targets!.redisUrl, { PRESENCE_TTL_MS: String(PRESENCE_TTL_MS) });
    [a, b] = (await cluster.start(2)) as [Instance, Instance];
  }, 60_000);

  afterAll(async () => {
    for (const m of members) m.close();
    for (const s of sockets) s.socket.terminate();
    await cluster?.close();
  });

  it('[failover] 20 clients sending through A and B; A is killed: they reconnect to B, nothing is lost, doubled or reordered; its users go offline within the TTL bound', async () => {
    const users = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) => register(i % 2 ? b.url : a.url)),
    );
    const chatId = await groupChat(a.url, users[0]!, users.slice(1));
    // Half start on A, half on B; both know both addresses (what a load balancer would give them).
    members.push(...users.map((u, i) => new ChatMember([a.url, b.url], u.token, chatId, i % 2)));
    await Promise.all(members.map((m) => m.ready));

    // A user only on A, watched from B through a direct chat.
    const [ghost, observer] = await Promise.all([register(a.url), register(b.url)]);
    const direct = (
      await api<{ chat: { id: string } }>(b.url, 'POST', '/api/chats/direct', observer.token, {
        username: ghost.user.username,
      })
    ).body.chat.id;
    sockets.push(await WsClient.connect(a.url, { token: ghost.token }));
    const watch = await WsClient.connect(b.url, { token: observer.token });
    sockets.push(watch);
    await watch.ok({ type: 'subscribe', chatId: direct });
    let ghostOfflineAt = 0;
    let ghostOffline: { user: { lastSeenAt?: string | null } } | undefined;
    watch.socket.on('message', (data) => {
      const f = JSON.parse(data.toString());
      if (f.type === 'presence' && f.user.id === ghost.user.id && !f.online) {
        ghostOfflineAt ||= Date.now();
        ghostOffline ??= f;
      }
    });

    let acked = 0;
    let killedAt = 0;
    const killed = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (acked < (CLIENTS * SENDS_EACH) / 3) return;
        clearInterval(check);
        killedAt = Date.now();
        a.child.kill('SIGKILL');
        resolve();
      }, 5);
    });
    await Promise.all(
      members.map(async (m, i) => {
        for (let n = 0; n < SENDS_EACH; n++) {
          await m.send(`c${i} n${n}`);
          acked++;
          await sleep(Math.random() * 20);
        }
      }),
    );
    await killed;

    // Nobody closed the ghost's socket: B noticed A's silence and announced it.
    await waitFor('the ghost offline', () => ghostOfflineAt || undefined, PRESENCE_TTL_MS * 4);
    // The bound is ttl·4/3 after the last heartbeat, plus announcing (a DB read, a publish):
    // the slack is for a loaded CI machine; without the reaper it never comes at all.
    expect(ghostOfflineAt - killedAt).toBeLessThan((PRESENCE_TTL_MS * 4) / 3 + 2000);
    // Announced like any other going offline: last seen recorded and carried.
    expect(typeof ghostOffline?.user.lastSeenAt).toBe('string');

    const lastSeq = CLIENTS * SENDS_EACH;
    await Promise.all(members.map((m) => m.caughtUp(lastSeq)));
    for (const [i, m] of members.entries()) {
      expect(m.anomalies, `client ${i}`).toEqual([]);
      expect(m.missing(lastSeq), `client ${i}`).toEqual([]);
      expect(m.maxHeld()).toBe(lastSeq);
      expect(m.acked.size).toBe(SENDS_EACH);
      if (i % 2 === 1) expect(m.sockets, `client ${i} was on B`).toBe(1);
    }
    expect(members.filter((m, i) => i % 2 === 0 && m.sockets > 1).length).toBe(CLIENTS / 2); // all of A's moved
    // Sends in flight when A died got no ack and were retried on B with the same clientId.
    expect(members.reduce((n, m) => n + m.retried, 0)).toBeGreaterThan(0);

    // In the database: every send exactly once (acked or retried after the kill), seqs gapless.
    const sql = postgres(cluster.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<{ client_id: string; seq: number }[]>`
        select client_id, seq from messages where chat_id = ${chatId} order by seq`;
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
      const stored = rows.map((r) => r.client_id).sort();
      expect(stored).toEqual(members.flatMap((m) => m.attempted).sort());
    } finally {
      await sql.end({ timeout: 5 });
    }
  }, 60_000);
});
