import type { ServerFrame } from '@chatsockets/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsClient } from '../ws-client.js';
import { api, ChatMember, groupChat, PASSWORD, register } from './clients.js';
import {
  Cluster,
  type Instance,
  redisServerInstalled,
  SKIP_NOTE,
  scaleOutTargets,
  startPrivateRedis,
  waitFor,
} from './cluster.js';

const targets = scaleOutTargets();
// Restarting Redis must not pull the floor from under other suites: this one runs its own
// redis-server (same binary and flags as CI's, on a free port) and restarts that.
const canRestart = targets !== undefined && redisServerInstalled();
if (targets && !canRestart) console.warn('redis-outage suite skipped: no redis-server binary on PATH');

const health = async (at: Instance) => {
  const res = await fetch(`${at.url}/api/health`);
  return { status: res.status, body: (await res.json()) as { db: string; bus: string } };
};

async function expectContiguous(ms: ChatMember[], lastSeq: number) {
  await Promise.all(ms.map((m) => m.caughtUp(lastSeq, 5000)));
  for (const m of ms) {
    expect(m.anomalies).toEqual([]);
    expect(m.missing(lastSeq)).toEqual([]);
    expect(m.maxHeld()).toBe(lastSeq);
    expect(m.sockets).toBe(1); // never reconnected
  }
}

describe.skipIf(!canRestart)(`scale-out: Redis dropped and restarted under load ${SKIP_NOTE}`, () => {
  let privateRedis: Awaited<ReturnType<typeof startPrivateRedis>> | undefined;
  let cluster: Cluster;
  let a: Instance;
  let b: Instance;
  const members: ChatMember[] = [];
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    privateRedis = await startPrivateRedis();
    cluster = new Cluster(privateRedis.url);
    [a, b] = (await cluster.start(2)) as [Instance, Instance];
  }, 60_000);

  afterAll(async () => {
    for (const m of members) m.close();
    for (const s of sockets) s.socket.terminate();
    await cluster?.close();
    await privateRedis?.stop();
  });

  it('[outage] CLIENT KILL TYPE pubsub, then SHUTDOWN NOSAVE and a restart: sends stay durable, health says bus down, every socket ends contiguous without reconnecting, presence is restored', async () => {
    const [u1, u2, observer, p] = await Promise.all([
      register(a.url),
      register(b.url),
      register(a.url),
      register(b.url),
    ]);
    const chatId = await groupChat(a.url, u1, [u2]);
    const ms = (
      [
        [u1, a],
        [u2, b],
        [u2, a],
        [u1, b],
      ] as const
    ).map(([u, at]) => new ChatMember([at.url], u.token, chatId));
    members.push(...ms);
    await Promise.all(ms.map((m) => m.ready));

    // Presence: p is online through B only; the observer watches from A.
    const direct = (
      await api<{ chat: { id: string } }>(a.url, 'POST', '/api/chats/direct', observer.token, {
        username: p.user.username,
      })
    ).body.chat.id;
    const watch = await WsClient.connect(a.url, { token: observer.token });
    sockets.push(watch);
    await watch.ok({ type: 'subscribe', chatId: direct });
    const pOnline = watch.next((f) => f.type === 'presence' && f.user.id === p.user.id && f.online);
    sockets.push(await WsClient.connect(b.url, { token: p.token }));
    await pOnline;

    let sent = 0;
    const send = (n: number, during?: () => void) =>
      Promise.all(
        [ms[0]!, ms[1]!].map(async (m) => {
          for (let i = 0; i < n; i++) {
            await m.send(`m${sent}`);
            if (++sent === 10) during?.();
          }
        }),
      );

    // 1. Every subscriber connection on this Redis is dropped mid-stream, and again right before the tail.
    const killPubsub = () => privateRedis!.cli('client', 'kill', 'type', 'pubsub');
    await send(10, killPubsub);
    killPubsub();
    await send(3);
    await expectContiguous(ms, 26);

    // 2. Redis goes away entirely, with its data.
    await privateRedis!.shutdown();
    for (const at of [a, b]) {
      const down = await waitFor('bus down', async () => {
        const h = await health(at);
        return h.status === 503 ? h : undefined;
      });
      expect(down.body).toMatchObject({ db: 'ok', bus: 'down' });
    }
    // Acknowledged, so stored durably, whatever the bus; more than one catch-up page (200).
    await send(105);
    const login = await api(a.url, 'POST', '/api/auth/login', undefined, {
      username: u1.user.username,
      password: PASSWORD,
    });
    expect(login.status).toBe(200); // rate limits fail open onto per-instance memory

    // 3. Redis is back, empty: what the other instance sent meanwhile arrives by resync alone.
    await privateRedis!.start();
    for (const at of [a, b])
      await waitFor('bus up', async () => (await health(at)).status === 200 || undefined);
    await expectContiguous(ms, 236);
    await send(2);
    await expectContiguous(ms, 240);

    // Presence was re-registered although Redis lost it: A (reading Redis) sees p online on B.
    const fresh = await WsClient.connect(a.url, { token: observer.token });
    sockets.push(fresh);
    const seen = await waitFor('p online again', async () => {
      const r = await fresh.ok<{ online: Array<{ id: string }> }>({ type: 'subscribe', chatId: direct });
      return r.online.some((u) => u.id === p.user.id) || undefined;
    });
    expect(seen).toBe(true);
    expect(watch.frames.filter((f: ServerFrame) => f.type === 'presence' && !f.online)).toEqual([]);
  });

  it('[outage] a chat subscribed on an instance while Redis is down converges once Redis is back: the outage by catch-up, then live', async () => {
    const [u1, u2] = await Promise.all([register(a.url), register(b.url)]);
    const chatId = await groupChat(a.url, u1, [u2]);
    const sender = new ChatMember([a.url], u1.token, chatId);
    members.push(sender);
    await sender.ready;
    await privateRedis!.shutdown();
    await waitFor('bus down on B', async () => (await health(b)).status === 503 || undefined);
    // B has no subscriber of this chat until now: its first follow of it happens during the outage.
    const late = new ChatMember([b.url], u2.token, chatId);
    members.push(late);
    await late.ready;
    for (let i = 0; i < 5; i++) await sender.send(`down${i}`);
    await privateRedis!.start();
    for (const at of [a, b])
      await waitFor('bus up', async () => (await health(at)).status === 200 || undefined);
    await late.caughtUp(5, 5000);
    // Live from here on: nothing but B's subscription to the chat's channel can bring these.
    for (let i = 0; i < 5; i++) await sender.send(`up${i}`);
    await expectContiguous([sender, late], 10);
  });
  it('[outage] a chat deleted while Redis is down: once it is back, its subscribers on the other instance get chat.deleted and that instance stops carrying it', async () => {
    const [owner, member] = await Promise.all([register(a.url), register(b.url)]);
    const chatId = await groupChat(a.url, owner, [member]);
    const w = await WsClient.connect(b.url, { token: member.token });
    sockets.push(w);
    await w.ok({ type: 'subscribe', chatId, afterRev: 0 });
    await privateRedis!.shutdown();
    for (const at of [a, b])
      await waitFor('bus down', async () => (await health(at)).status === 503 || undefined);
    expect((await api(a.url, 'DELETE', `/api/chats/${chatId}`, owner.token)).status).toBe(204);
    await privateRedis!.start();
    for (const at of [a, b])
      await waitFor('bus up', async () => (await health(at)).status === 200 || undefined);
    // B's resync reads the chat back and finds it gone: the deletion Redis lost, as an event.
    await w.next((f) => f.type === 'chat.deleted' && f.chatId === chatId, 10_000, true);
    // Subscribed no more: a new subscribe is a 404, and the socket is still open.
    const again = await w.request({ type: 'subscribe', chatId });
    expect(again.ok ? 'ok' : again.error.code).toBe('NOT_FOUND');
  });
});
