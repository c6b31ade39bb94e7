import type { AuthResponse, ServerFrame } from '@chatsockets/protocol';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsClient } from '../ws-client.js';
import { api, ChatMember, groupChat, PASSWORD, register } from './clients.js';
import { Cluster, type Instance, SKIP_NOTE, scaleOutTargets, waitFor } from './cluster.js';

const targets = scaleOutTargets();

const presenceOf = (userId: string, online: boolean) => (f: ServerFrame) =>
  f.type === 'presence' && f.user.id === userId && f.online === online;

/** Two instances, one Redis (REDIS_URL), one database, no stickiness: who is connected where must not matter. */
describe.skipIf(!targets)(`scale-out: two instances on one Redis ${SKIP_NOTE}`, () => {
  let cluster: Cluster;
  let a: Instance;
  let b: Instance;
  let redis: Redis;
  const members: ChatMember[] = [];
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    cluster = new Cluster(targets!.redisUrl, { LOGIN_FAILURES_MAX: '4', WS_MAX_SOCKETS_PER_USER: '3' });
    redis = new Redis(targets!.redisUrl, { lazyConnect: true });
    await redis.connect();
    [a, b] = (await cluster.start(2)) as [Instance, Instance];
  }, 60_000);

  afterAll(async () => {
    for (const m of members) m.close();
    for (const s of sockets) s.socket.terminate();
    redis?.disconnect();
    await cluster?.close();
  });

  async function subscribers(
    owner: AuthResponse,
    others: AuthResponse[],
    placement: Array<[AuthResponse, Instance]>,
  ) {
    const chatId = await groupChat(a.url, owner, others);
    const ms = placement.map(([u, at]) => new ChatMember([at.url], u.token, chatId));
    members.push(...ms);
    await Promise.all(ms.map((m) => m.ready));
    return { chatId, ms };
  }

  async function expectAllContiguous(ms: ChatMember[], lastSeq: number) {
    await Promise.all(ms.map((m) => m.caughtUp(lastSeq)));
    for (const m of ms) {
      expect(m.anomalies).toEqual([]);
      expect(m.missing(lastSeq)).toEqual([]);
      expect(m.maxHeld()).toBe(lastSeq);
      expect(m.sockets).toBe(1); // never reconnected
    }
  }

  it('[fan-out] sends on A, on B and over HTTP reach every socket on both instances in seq order, exactly once', async () => {
    const [alice, bob, carol] = await Promise.all([register(a.url), register(b.url), register(a.url)]);
    const { chatId, ms } = await subscribers(
      alice,
      [bob, carol],
      [
        [alice, a],
        [bob, b],
        [carol, a],
        [carol, b],
      ],
    );
    const [onA, onB] = [ms[0]!, ms[1]!];
    await Promise.all([
      (async () => {
        for (let i = 0; i < 25; i++) await onA.send(`a${i}`);
      })(),
      (async () => {
        for (let i = 0; i < 25; i++) await onB.send(`b${i}`);
      })(),
      (async () => {
        for (let i = 0; i < 10; i++) {
          const res = await api(b.url, 'POST', `/api/chats/${chatId}/messages`, carol.token, {
            clientId: crypto.randomUUID(),
            body: `http${i}`,
          });
          expect(res.status).toBe(201);
        }
      })(),
    ]);
    await expectAllContiguous(ms, 60);
  });

  it('[routing] an instance without subscribers of a chat receives none of its traffic', async () => {
    const chatMessagesAt = async (at: Instance) => {
      const text = await (await fetch(`${at.url}/metrics`)).text();
      return Number(/^chatsockets_bus_received_total\{kind="chat"\} (\d+)/m.exec(text)?.[1] ?? 'NaN');
    };
    const [u1, u2] = await Promise.all([register(a.url), register(a.url)]);
    // Busy chat: every subscriber on A, sends on A (a chat's publisher keeps its own copy).
    const busy = await subscribers(
      u1,
      [u2],
      [
        [u1, a],
        [u2, a],
      ],
    );
    // Sentinel chat: followed by B too.
    const sentinel = await subscribers(
      u1,
      [u2],
      [
        [u1, a],
        [u2, b],
      ],
    );
    const before = await chatMessagesAt(b);
    for (let i = 0; i < 20; i++) await busy.ms[0]!.send(`busy${i}`);
    await expectAllContiguous(busy.ms, 20);
    await sentinel.ms[0]!.send('sentinel');
    await expectAllContiguous(sentinel.ms, 1);
    // B got the sentinel from Redis, and nothing of the busy chat before it.
    expect((await chatMessagesAt(b)) - before).toBe(1);
  });

  it('[bus loss] the subscriber connections are killed mid-stream → every socket still ends contiguous, without reconnecting', async () => {
    const [u1, u2] = await Promise.all([register(a.url), register(b.url)]);
    const { ms } = await subscribers(
      u1,
      [u2],
      [
        [u1, a],
        [u2, b],
        [u2, a],
        [u1, b],
      ],
    );
    // Only this deployment's subscriber connections (the shared Redis may serve other suites).
    const killSubscribers = async () => {
      const ids = await waitFor('both subscribers connected', async () => {
        const found = ((await redis.client('LIST')) as string)
          .split('\n')
          .filter((line) => line.includes(`name=${cluster.prefix}:bus:sub:`))
          .map((line) => /id=(\d+)/.exec(line)?.[1])
          .filter((id): id is string => id !== undefined);
        return found.length === 2 ? found : undefined;
      });
      for (const id of ids) await redis.client('KILL', 'ID', id);
    };
    let sent = 0;
    const sender = async (m: ChatMember, n: number) => {
      for (let i = 0; i < n; i++) {
        await m.send(`m${i}`);
        if (++sent === 15) await killSubscribers();
      }
    };
    await Promise.all([sender(ms[0]!, 25), sender(ms[1]!, 25)]);
    // The tail goes out while the subscribers are down: no later message will reveal the gap,
    // only the resync after the re-subscribe can deliver it.
    await killSubscribers();
    await Promise.all([sender(ms[0]!, 5), sender(ms[1]!, 5)]);
    await expectAllContiguous(ms, 60);
    // The bus is back on both instances.
    for (const at of [a, b]) {
      await waitFor(
        'health 200',
        async () => (await fetch(`${at.url}/api/health`)).status === 200 || undefined,
      );
    }
  });

  it('[logout] logout on A closes the same session’s socket on B with 4401, over the bus', async () => {
    const u = await register(a.url);
    const onB = await WsClient.connect(b.url, { token: u.token });
    const otherSession = await api<AuthResponse>(a.url, 'POST', '/api/auth/login', undefined, {
      username: u.user.username,
      password: PASSWORD,
    });
    const untouched = await WsClient.connect(b.url, { token: otherSession.body.token });
    sockets.push(onB, untouched);
    // The periodic re-check is 10 minutes away (cluster env), so a 4401 now came over the bus.
    expect((await api(a.url, 'POST', '/api/auth/logout', u.token)).status).toBe(204);
    const closed = await onB.closed;
    expect(closed.code).toBe(4401);
    // The revoke closed the session's sockets together: the other session's still answers after.
    expect(await untouched.ok({ type: 'ping' })).toHaveProperty('serverTime');
  });

  it('[presence] a user with a socket on A and one on B stays online until both are closed', async () => {
    const [observer, p] = await Promise.all([register(a.url), register(a.url)]);
    const chatId = (
      await api<{ chat: { id: string } }>(a.url, 'POST', '/api/chats/direct', observer.token, {
        username: p.user.username,
      })
    ).body.chat.id;
    const watch = await WsClient.connect(a.url, { token: observer.token });
    sockets.push(watch);
    await watch.ok({ type: 'subscribe', chatId });

    const online = watch.next(presenceOf(p.user.id, true));
    const pOnB = await WsClient.connect(b.url, { token: p.token }); // announced from B, heard on A
    sockets.push(pOnB);
    await online;
    const pOnA = await WsClient.connect(a.url, { token: p.token });
    sockets.push(pOnA);

    // Sentinel: another user coming online on B is announced on the same path, after anything
    // closing pOnB would have announced.
    const q = await register(a.url);
    const qChat = (
      await api<{ chat: { id: string } }>(a.url, 'POST', '/api/chats/direct', observer.token, {
        username: q.user.username,
      })
    ).body.chat.id;
    await watch.ok({ type: 'subscribe', chatId: qChat });
    await pOnB.close();
    const qOnline = watch.next(presenceOf(q.user.id, true));
    sockets.push(await WsClient.connect(b.url, { token: q.token }));
    await qOnline;
    expect(watch.frames.filter(presenceOf(p.user.id, false))).toEqual([]);
    const fresh = await WsClient.connect(b.url, { token: observer.token });
    sockets.push(fresh);
    const reply = await fresh.ok<{ online: Array<{ id: string }> }>({ type: 'subscribe', chatId });
    expect(reply.online.map((u) => u.id)).toContain(p.user.id);

    const offline = watch.next(presenceOf(p.user.id, false), 3000);
    await pOnA.close();
    await offline;
    const again = await fresh.ok<{ online: Array<{ id: string }> }>({ type: 'subscribe', chatId });
    expect(again.online.map((u) => u.id)).not.toContain(p.user.id);
  });

  it('[presence] an instance shut down gracefully (SIGTERM) announces its users offline at once, not after the TTL', async () => {
    const c = await cluster.spawn('C');
    const [observer, p] = await Promise.all([register(a.url), register(a.url)]);
    const chatId = (
      await api<{ chat: { id: string } }>(a.url, 'POST', '/api/chats/direct', observer.token, {
        username: p.user.username,
      })
    ).body.chat.id;
    const watch = await WsClient.connect(a.url, { token: observer.token });
    sockets.push(watch);
    await watch.ok({ type: 'subscribe', chatId });
    const online = watch.next(presenceOf(p.user.id, true));
    const pOnC = await WsClient.connect(c.url, { token: p.token });
    await online;
    const offline = watch.next(presenceOf(p.user.id, false), 5000);
    const started = Date.now();
    c.child.kill('SIGTERM');
    expect((await pOnC.closed).code).toBe(1001);
    await offline;
    expect(Date.now() - started).toBeLessThan(1000); // the TTL is 1.5 s: this was not the reaper
    await c.exited;
    expect(c.child.exitCode).toBe(0);
  });

  it('[limits] the per-user socket cap and the login-failure limit count across instances', async () => {
    const u = await register(b.url);
    const open = [
      await WsClient.connect(a.url, { token: u.token }),
      await WsClient.connect(b.url, { token: u.token }),
      await WsClient.connect(a.url, { token: u.token }),
    ];
    sockets.push(...open);
    await expect(WsClient.connect(b.url, { token: u.token })).rejects.toThrow('HTTP 429');
    await expect(WsClient.connect(a.url, { token: u.token })).rejects.toThrow('HTTP 429');
    await open[0]!.close();
    sockets.push(
      await waitFor('a free slot', () => WsClient.connect(b.url, { token: u.token }).catch(() => undefined)),
    );

    const wrong = { username: u.user.username, password: 'not the password' };
    for (const at of [a, b, a, b])
      expect((await api(at.url, 'POST', '/api/auth/login', undefined, wrong)).status).toBe(401);
    expect((await api(a.url, 'POST', '/api/auth/login', undefined, wrong)).status).toBe(429);
    expect((await api(b.url, 'POST', '/api/auth/login', undefined, wrong)).status).toBe(429);
  });
});
