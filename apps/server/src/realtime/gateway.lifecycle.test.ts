import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser, type TestUser } from '../../test/factories.js';
import { holdDatabase as holdDatabaseOf } from '../../test/hold-database.js';
import { client } from '../../test/http.js';
import { waitFor } from '../../test/wait.js';
import { WsClient } from '../../test/ws-client.js';
import { rowsOf } from '../db/ids.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe.each(drivers())('gateway lifecycle on %s', (driver) => {
  let t: TestContext;
  let url: string;
  const http = client(() => t.app);
  let alice: TestUser;
  let bob: TestUser;
  let chatId: string;
  const logs: Array<{ level: number; msg: string }> = [];

  beforeAll(async () => {
    t = await buildTestApp(driver);
    await t.rebuild(
      {
        LOG_LEVEL: 'warn',
        HEARTBEAT_MS: '300',
        WS_FRAMES_PER_SEC: '10000',
        WS_FRAMES_BURST: '10000',
        WS_MAX_SOCKETS_PER_USER: '10000',
      },
      { logStream: { write: (line) => logs.push(JSON.parse(line)) } },
    );
    url = await t.listen();
    alice = await registerUser(t.app, 'alice');
    bob = await registerUser(t.app, 'bob');
    chatId = (await http.post(alice, '/api/chats', { title: 'Room', members: ['bob'] })).json().chat.id;
  });
  afterAll(() => t.close());
  afterEach(() => {
    logs.length = 0;
  });

  const hubEntries = async () => {
    const body = (await t.app.inject({ url: '/metrics' })).body;
    return Object.fromEntries(
      [...body.matchAll(/chatsockets_hub_entries\{index="(\w+)"\} (\d+)/g)].map((m) => [m[1], Number(m[2])]),
    );
  };

  /** Holds the database (the chats table on Postgres, PGlite's one connection): frames wait their turn. */
  const holdDatabase = () => holdDatabaseOf(t, ['chats']);

  const framesIn = async (type: string) => {
    const body = (await t.app.inject({ url: '/metrics' })).body;
    const m = body.match(new RegExp(`chatsockets_ws_frames_in_total\\{type="${type}"\\} (\\d+)`));
    return Number(m?.[1] ?? 0);
  };

  it('[seed-bug close-sent] peers closing during heartbeat ticks and broadcasts: no write after close, no rejection, no error log', async () => {
    const misuse: string[] = [];
    const proto = WebSocket.prototype as unknown as Record<'send' | 'ping', (...args: unknown[]) => void>;
    const original = { send: proto.send, ping: proto.ping };
    for (const name of ['send', 'ping'] as const) {
      proto[name] = function (this: WebSocket, ...args: unknown[]) {
        // Only the server's sockets are watched: they are the ones the heartbeat pings.
        if ((this as unknown as { _isServer: boolean })._isServer && this.readyState !== WebSocket.OPEN) {
          misuse.push(`${name} in readyState ${this.readyState}`);
        }
        return original[name].apply(this, args);
      };
    }
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      for (let round = 0; round < 5; round++) {
        const clients = await Promise.all(
          Array.from({ length: 20 }, () => WsClient.connect(url, { token: bob.token })),
        );
        await Promise.all(clients.map((c) => c.ok({ type: 'subscribe', chatId })));
        const broadcasting = Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            http.post(alice, `/api/chats/${chatId}/messages`, {
              clientId: randomUUID(),
              body: `tick ${round}.${i}`,
            }),
          ),
        );
        // Half vanish abruptly (like a dead peer), half close politely, while messages fan out.
        for (const [i, c] of clients.entries()) {
          if (i % 2) c.socket.terminate();
          else c.socket.close();
        }
        await broadcasting;
        await Promise.all(clients.map((c) => c.closed));
        await sleep(700); // heartbeat ticks over the closed sockets
      }
    } finally {
      proto.send = original.send;
      proto.ping = original.ping;
      process.off('unhandledRejection', onRejection);
    }
    expect(misuse).toEqual([]);
    expect(rejections).toEqual([]);
    expect(logs.filter((l) => l.level >= 50)).toEqual([]);
    expect(await hubEntries()).toMatchObject({ connections: 0, chats: 0, users: 0, sessions: 0 });
  });

  it('[lifecycle] a subscribe still queued when its socket closes leaves no subscription behind', async () => {
    const pingsBefore = await framesIn('ping');
    const c = await WsClient.connect(url, { token: bob.token });
    // The database is held, so the subscribes are still waiting their turn when the socket closes.
    const release = await holdDatabase();
    for (let i = 0; i < 3; i++) c.sendRaw(JSON.stringify({ type: 'subscribe', chatId, id: i + 1 }));
    c.sendRaw(JSON.stringify({ type: 'ping' })); // the sentinel: handled after every subscribe
    await c.close();
    await waitFor('the server to drop the socket', async () => (await hubEntries()).connections === 0);
    await release();
    await waitFor('the queued frames to be handled', async () => (await framesIn('ping')) > pingsBefore);
    expect(await hubEntries()).toMatchObject({ connections: 0, chats: 0 });
  });

  it('[lifecycle] frames still queued when their socket closes (signed out, revoked, gone) do not run', async () => {
    const room = (await http.post(alice, '/api/chats', { title: 'Queued' })).json().chat.id;
    const c = await WsClient.connect(url, { token: alice.token });
    const release = await holdDatabase();
    const pingsBefore = await framesIn('ping');
    for (let i = 0; i < 10; i++)
      c.sendRaw(
        JSON.stringify({ type: 'message.send', chatId: room, clientId: `queued-${i}`, body: `q${i}` }),
      );
    c.sendRaw(JSON.stringify({ type: 'ping' })); // the sentinel: handled after every send
    await c.close();
    await waitFor('the server to drop the socket', async () => (await hubEntries()).connections === 0);
    await release();
    await waitFor('the queued frames to be handled', async () => (await framesIn('ping')) > pingsBefore);
    // The one frame already waiting on the database when the socket closed may finish; no other.
    const stored = await t.database.db.execute(
      sql`select count(*)::int as n from messages where chat_id = ${room}`,
    );
    expect(rowsOf<{ n: number }>(stored)[0]!.n).toBeLessThanOrEqual(1);
  });

  it('[lifecycle] nothing comes before hello: frames sent at once on open are answered after it', async () => {
    const firsts = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, {
          headers: { authorization: `Bearer ${bob.token}` },
        });
        const types: string[] = [];
        socket.on('message', (data) => types.push(JSON.parse(data.toString()).type));
        await new Promise((r) => socket.once('open', r));
        socket.send(JSON.stringify({ type: 'ping', id: 1 }));
        socket.send(JSON.stringify({ type: 'subscribe', chatId, id: 2 }));
        await waitFor('both replies', async () => types.filter((x) => x === 'reply').length === 2);
        socket.close();
        return types.slice(0, 3);
      }),
    );
    for (const types of firsts) expect(types).toEqual(['hello', 'reply', 'reply']);
  });

  it('[lifecycle] 1 000 connect/close cycles leave no listeners, timers or hub entries behind', async () => {
    // Every pooled Postgres connection keeps an idle timer, and how many the pool opens depends
    // on how busy the machine is: open them all before counting.
    if (t.config.db.driver === 'postgres') {
      const pool = t.config.db.poolMax;
      await Promise.all(
        Array.from({ length: pool }, () => t.database.db.execute(sql`select pg_sleep(0.05)`)),
      );
    }
    const before = {
      timers: timers(),
      upgrade: t.app.server.listenerCount('upgrade'),
      process: process.listenerCount('exit'),
    };
    // Anything a cycle leaves behind shows as a count that grew by 1 000, where 2 are allowed:
    // more cycles would find no more, and cost a busy machine minutes (5 000 took 21–64 s here).
    const cycles = 1000;
    const batch = 50;
    for (let i = 0; i < cycles; i += batch) {
      await Promise.all(
        Array.from({ length: batch }, async (_, j) => {
          const c = await WsClient.connect(url, { token: (i + j) % 2 ? alice.token : bob.token });
          if (j % 10 === 0) await c.ok({ type: 'subscribe', chatId });
          if (j % 3 === 0) c.socket.terminate();
          else await c.close();
          await c.closed;
        }),
      );
    }
    // The server handles the last closes after the clients saw them: wait for that, not a fixed time.
    for (
      const until = Date.now() + 5000;
      ((await hubEntries()).connections ?? 0) > 0 && Date.now() < until;
    ) {
      await sleep(20);
    }
    expect(await hubEntries()).toMatchObject({ connections: 0, chats: 0, users: 0, sessions: 0 });
    expect(t.app.server.listenerCount('upgrade')).toBe(before.upgrade);
    expect(process.listenerCount('exit')).toBe(before.process);
    expect(timers()).toBeLessThanOrEqual(before.timers + 2);
    expect(logs.filter((l) => l.level >= 50)).toEqual([]);
    const metrics = (await t.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/chatsockets_ws_connections 0\b/);
  }, 300_000); // bounds a hang: 1 000 upgrades on PGlite take a minute on a machine busy with other suites
});
