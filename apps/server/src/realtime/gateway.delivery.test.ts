import { randomUUID } from 'node:crypto';
import {
  type Message,
  MessagePageSchema,
  type ServerFrame,
  SubscribeReplySchema,
} from '@chatsockets/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser, type TestUser } from '../../test/factories.js';
import { client } from '../../test/http.js';
import { WsClient } from '../../test/ws-client.js';

const created = (frames: ServerFrame[]) =>
  frames
    .filter((f): f is Extract<ServerFrame, { type: 'message.created' }> => f.type === 'message.created')
    .map((f) => f.message.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe.each(drivers())('gateway delivery on %s', (driver) => {
  let t: TestContext;
  let url: string;
  const http = client(() => t.app);
  let alice: TestUser;
  let bob: TestUser;
  let chatId: string;
  const open: WsClient[] = [];
  const connect = async (user: TestUser) => {
    const c = await WsClient.connect(url, { token: user.token });
    open.push(c);
    return c;
  };
  const sendHttp = (user: TestUser, body: string, chat = chatId) =>
    http.post(user, `/api/chats/${chat}/messages`, { clientId: randomUUID(), body });

  beforeAll(async () => {
    t = await buildTestApp(driver, { WS_FRAMES_PER_SEC: '1000', WS_FRAMES_BURST: '1000' });
    url = await t.listen();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    alice = await registerUser(t.app, 'alice');
    bob = await registerUser(t.app, 'bob');
    chatId = (await http.post(alice, '/api/chats', { title: 'Room', members: ['bob'] })).json().chat.id;
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    await t.truncate();
  });

  it('[delivery] a message sent over HTTP reaches sockets exactly like one sent over the socket', async () => {
    const b = await connect(bob);
    await b.ok({ type: 'subscribe', chatId, afterSeq: 0 });
    const a = await connect(alice);
    await a.ok({ type: 'subscribe', chatId, afterSeq: 0 });
    const viaWs = (
      await a.ok<{ message: Message }>({ type: 'message.send', chatId, clientId: randomUUID(), body: 'ws' })
    ).message;
    const viaHttp = (await sendHttp(alice, 'http')).json().message as Message;
    const events = [
      await b.next((f) => f.type === 'message.created' && f.message.seq === 1, 5000, true),
      await b.next((f) => f.type === 'message.created' && f.message.seq === 2, 5000, true),
    ];
    expect(events).toEqual([
      { type: 'message.created', message: viaWs },
      { type: 'message.created', message: viaHttp },
    ]);
    // The sender's own sockets get the event too (PROTOCOL.md › WebSocket).
    await a.next((f) => f.type === 'message.created' && f.message.seq === 2, 5000, true);
  });

  it('[recovery] offline while 30 messages are sent → resubscribe with afterSeq → contiguous, none twice', async () => {
    const b1 = await connect(bob);
    await b1.ok({ type: 'subscribe', chatId, afterSeq: 0 });
    await sendHttp(alice, 'before');
    await b1.next((f) => f.type === 'message.created', 5000, true);
    await b1.close();
    for (let i = 0; i < 30; i++) await sendHttp(alice, `offline ${i}`);
    const b2 = await connect(bob);
    const reply = SubscribeReplySchema.parse(await b2.ok({ type: 'subscribe', chatId, afterSeq: 1 }));
    expect(reply.missed.map((m) => m.seq)).toEqual(range(2, 31));
    expect(reply).toMatchObject({ lastSeq: 31, hasMore: false });
    await sendHttp(alice, 'live');
    await b2.next((f) => f.type === 'message.created', 5000, true);
    expect([...reply.missed.map((m) => m.seq), ...created(b2.frames)]).toEqual(range(2, 32));
  });

  it('[recovery] 250 missed → 200 + hasMore, then HTTP paging fills the rest', async () => {
    for (let i = 0; i < 250; i += 25)
      await Promise.all(range(1, 25).map((j) => sendHttp(alice, `m${i + j}`)));
    const b = await connect(bob);
    const reply = SubscribeReplySchema.parse(await b.ok({ type: 'subscribe', chatId, afterSeq: 0 }));
    expect(reply.missed.map((m) => m.seq)).toEqual(range(1, 200));
    expect(reply).toMatchObject({ hasMore: true, lastSeq: 250 });
    const rest = MessagePageSchema.parse(
      (await http.get(bob, `/api/chats/${chatId}/messages?afterSeq=200&limit=200`)).json(),
    );
    expect(rest.messages.map((m) => m.seq)).toEqual(range(201, 250));
    expect(rest.hasMore).toBe(false);
  });

  it('[recovery] a catch-up larger than the send buffer cap comes in part, with hasMore, and the socket stays open', async () => {
    // 20 messages of 60 000 characters (a short text padded with spaces, which the body limit
    // does not count): 1.2 MB of catch-up, past the default 1 MiB cap on a socket's send buffer.
    const n = 20;
    for (let i = 1; i <= n; i++) await sendHttp(alice, `m${i}${' '.repeat(60_000)}`);
    let total = n; // each round sends one live message more
    for (const by of [{ afterSeq: 0 }, { afterRev: 0 }]) {
      const b = await connect(bob);
      const answer = await Promise.race([
        b.request({ type: 'subscribe', chatId, ...by }),
        b.closed.then(({ code }) => `closed with ${code}`),
      ]);
      if (typeof answer === 'string' || !answer.ok)
        throw new Error(`subscribe failed: ${JSON.stringify(answer)}`);
      const reply = SubscribeReplySchema.parse(answer.data);
      const got =
        'afterSeq' in by
          ? reply.missed.map((m) => m.seq)
          : (reply.changes ?? []).flatMap((c) => (c.type === 'message' ? [c.message.seq] : []));
      expect(got.length).toBeGreaterThan(0);
      expect(got.length).toBeLessThan(n);
      expect(got).toEqual(range(1, got.length));
      expect(reply.hasMore).toBe(true);
      // The rest by HTTP paging, as PROTOCOL.md says; the socket still delivers live events.
      const rest = MessagePageSchema.parse(
        (await http.get(bob, `/api/chats/${chatId}/messages?afterSeq=${got.at(-1)}&limit=200`)).json(),
      );
      expect([...got, ...rest.messages.map((m) => m.seq)]).toEqual(range(1, total));
      await sendHttp(alice, 'live');
      total++;
      await b.next((f) => f.type === 'message.created' && f.message.body === 'live', 5000, true);
      expect(b.socket.readyState).toBe(WebSocket.OPEN);
      await b.close();
    }
  });

  it('[recovery] messages committed concurrently with subscribe arrive exactly once', async () => {
    for (let round = 0; round < 5; round++) {
      const b = await connect(bob);
      const sends = Promise.all(range(1, 20).map((i) => sendHttp(alice, `race ${round}.${i}`)));
      const reply = SubscribeReplySchema.parse(
        await b.ok({ type: 'subscribe', chatId, afterSeq: round * 20 }),
      );
      await sends;
      const last = (round + 1) * 20;
      if (!reply.missed.some((m) => m.seq === last)) {
        await b.next((f) => f.type === 'message.created' && f.message.seq === last, 5000, true);
      }
      const seen = [...reply.missed.map((m) => m.seq), ...created(b.frames)];
      expect(seen, `round ${round}`).toEqual(range(round * 20 + 1, last));
      await b.close();
    }
  });

  it('[access] a removed member gets member.left, then nothing more from that chat', async () => {
    const b = await connect(bob);
    await b.ok({ type: 'subscribe', chatId, afterSeq: 0 });
    // Sentinel: a message in another chat, sent after the secret, reaches bob after it would have.
    const dm = (await http.post(alice, '/api/chats/direct', { username: 'bob' })).json().chat.id;
    await b.ok({ type: 'subscribe', chatId: dm, afterSeq: 0 });
    await sendHttp(alice, 'one');
    await b.next((f) => f.type === 'message.created' && f.message.chatId === chatId, 5000, true);
    await http.del(alice, `/api/chats/${chatId}/members/${bob.user.id}`);
    await b.next((f) => f.type === 'member.left' && f.user.id === bob.user.id, 5000, true);
    const before = b.frames.length;
    await sendHttp(alice, 'secret after removal');
    await sendHttp(alice, 'sentinel', dm);
    await b.next((f) => f.type === 'message.created' && f.message.body === 'sentinel', 5000, true);
    const after = b.frames
      .slice(before)
      .filter((f) => !(f.type === 'message.created' && f.message.chatId === dm));
    expect(after.filter((f) => f.type !== 'member.left')).toEqual([]);
    expect(JSON.stringify(b.frames)).not.toContain('secret after removal');
    const again = await b.request({ type: 'subscribe', chatId });
    expect(again).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('[roles] a role change reaches the chat subscribers and, unsubscribed, the member themself', async () => {
    const carol = await registerUser(t.app, 'carol');
    await http.post(alice, `/api/chats/${chatId}/members`, { username: 'carol' });
    const c = await connect(carol);
    await c.ok({ type: 'subscribe', chatId });
    const b = await connect(bob); // not subscribed: hears of it as the member concerned
    const promote = await http.patch(alice, `/api/chats/${chatId}/members/${bob.user.id}`, { role: 'admin' });
    const member = promote.json().member;
    // The event goes to readers too, so it carries no last seen (PROTOCOL.md › Presence).
    const { lastSeenAt: _seen, ...user } = member.user;
    for (const socket of [c, b]) {
      const event = await socket.next((f) => f.type === 'member.updated', 5000, true);
      expect(event).toEqual({
        type: 'member.updated',
        chatId,
        member: { ...member, user },
        rev: expect.any(Number),
      });
    }
    expect(member).toMatchObject({ role: 'admin', user: { id: bob.user.id } });
    // A refused change announces nothing.
    await http.patch(bob, `/api/chats/${chatId}/members/${carol.user.id}`, { role: 'admin' });
    await http.patch(alice, `/api/chats/${chatId}/members/${bob.user.id}`, { role: 'member' });
    const back = await c.next((f) => f.type === 'member.updated' && f.member.role === 'member', 5000, true);
    expect(back).toMatchObject({ member: { user: { id: bob.user.id } } });
    expect(c.events('member.updated')).toHaveLength(2);
  });

  it('[typing] reaches the other members (not the typer), shows in a late subscribe, ends with their message', async () => {
    const a = await connect(alice);
    const b = await connect(bob);
    await a.ok({ type: 'subscribe', chatId });
    await b.ok({ type: 'subscribe', chatId });
    await b.ok({ type: 'typing', chatId });
    const typing = await a.next((f) => f.type === 'typing', 5000, true);
    expect(typing).toMatchObject({ type: 'typing', chatId, user: { id: bob.user.id } });
    const late = await connect(alice);
    const reply = SubscribeReplySchema.parse(await late.ok({ type: 'subscribe', chatId }));
    expect(reply.typing.map((u) => u.username)).toEqual(['bob']);
    await b.ok({ type: 'message.send', chatId, clientId: randomUUID(), body: 'done typing' });
    await late.next((f) => f.type === 'message.created', 5000, true);
    expect(b.events('typing')).toEqual([]);
    const later = await connect(alice);
    expect(SubscribeReplySchema.parse(await later.ok({ type: 'subscribe', chatId })).typing).toEqual([]);
  });

  it('[typing] a member removed while typing is not in a later subscribe reply', async () => {
    const a = await connect(alice);
    await a.ok({ type: 'subscribe', chatId });
    const b = await connect(bob);
    await b.ok({ type: 'typing', chatId });
    await a.next((f) => f.type === 'typing', 5000, true);
    await http.del(alice, `/api/chats/${chatId}/members/${bob.user.id}`);
    await a.next((f) => f.type === 'member.left', 5000, true);
    const late = await connect(alice);
    expect(SubscribeReplySchema.parse(await late.ok({ type: 'subscribe', chatId })).typing).toEqual([]);
  });

  it('[typing] a user whose last socket closes stops typing for everyone', async () => {
    const a = await connect(alice);
    await a.ok({ type: 'subscribe', chatId });
    const b = await connect(bob);
    await b.ok({ type: 'typing', chatId });
    await a.next((f) => f.type === 'typing', 5000, true);
    await b.close();
    const stop = await a.next((f) => f.type === 'typing' && f.active === false);
    expect(stop).toMatchObject({ user: { id: bob.user.id }, active: false });
  });

  it('[presence] online while at least one socket is open; offline after the last closes', async () => {
    const a = await connect(alice);
    await a.ok({ type: 'subscribe', chatId });
    const b1 = await connect(bob);
    await a.next((f) => f.type === 'presence' && f.online, 5000, true);
    const b2 = await connect(bob);
    await b1.close();
    // Sentinel: carol coming online is announced on the same path, after any change b1 caused.
    const carol = await registerUser(t.app, 'carol');
    await http.post(alice, `/api/chats/${chatId}/members`, { username: 'carol' });
    await connect(carol);
    await a.next((f) => f.type === 'presence' && f.user.id === carol.user.id, 5000, true);
    expect(
      a
        .events('presence')
        .filter((p) => p.user.id === bob.user.id)
        .map((p) => p.online),
    ).toEqual([true]);
    await b2.close();
    const offline = await a.next((f) => f.type === 'presence' && !f.online, 5000, true);
    expect(offline).toMatchObject({ user: { id: bob.user.id }, online: false });
    expect(
      SubscribeReplySchema.parse(await a.ok({ type: 'subscribe', chatId }))
        .online.map((u) => u.username)
        .sort(),
    ).toEqual(['alice', 'carol']);
  });

  it('[read] moves the marker and tells the reader’s other sockets', async () => {
    await sendHttp(alice, 'one');
    await sendHttp(alice, 'two');
    const b1 = await connect(bob);
    const b2 = await connect(bob);
    await b1.ok({ type: 'read', chatId, seq: 2 });
    expect(await b2.next((f) => f.type === 'read', 5000, true)).toEqual({
      type: 'read',
      chatId,
      userId: bob.user.id,
      seq: 2,
    });
    const chats = (await http.get(bob, '/api/chats')).json().chats;
    expect(chats[0].unreadCount).toBe(0);
  });

  it('[read] other subscribers of the chat see the read marker move (live "seen by")', async () => {
    await sendHttp(alice, 'one');
    const a = await connect(alice);
    await a.ok({ type: 'subscribe', chatId });
    const b = await connect(bob);
    await b.ok({ type: 'read', chatId, seq: 1 });
    expect(await a.next((f) => f.type === 'read', 5000, true)).toEqual({
      type: 'read',
      chatId,
      userId: bob.user.id,
      seq: 1,
    });
  });

  it('[seed-bug concurrent-send] 20 sockets of one user sending and receiving at once stay open, frames intact, in seq order', async () => {
    const sockets = await Promise.all(range(1, 20).map(() => connect(alice)));
    await Promise.all(sockets.map((s) => s.ok({ type: 'subscribe', chatId, afterSeq: 0 })));
    await Promise.all(
      sockets.flatMap((s, i) =>
        range(1, 5).map((j) =>
          s.ok({ type: 'message.send', chatId, clientId: `s${i}-${j}`, body: `${i}/${j}` }),
        ),
      ),
    );
    for (const s of sockets) {
      await s.next((f) => f.type === 'message.created' && f.message.seq === 100, 10_000, true);
      expect(created(s.frames)).toEqual(range(1, 100));
      expect(s.socket.readyState).toBe(WebSocket.OPEN);
    }
  });

  it('[slow-reader] a client that stops reading in a busy chat is closed with 1013; others are unaffected', async () => {
    await t.rebuild({
      WS_SEND_BUFFER_MAX: String(256 * 1024),
      WS_FRAMES_PER_SEC: '1000',
      WS_FRAMES_BURST: '1000',
    });
    url = await t.listen();
    const slow = await connect(bob);
    await slow.ok({ type: 'subscribe', chatId });
    const fine = await connect(bob);
    await fine.ok({ type: 'subscribe', chatId });
    (slow.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const body = 'x'.repeat(3900);
    let sent = 0;
    for (let batch = 0; batch < 80 && slow.socket.readyState === WebSocket.OPEN; batch++) {
      await Promise.all(range(1, 25).map(() => sendHttp(alice, body)));
      sent += 25;
      if (await slowClosedOnServer()) break;
    }
    (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    expect((await slow.closed).code).toBe(1013);
    await fine.next((f) => f.type === 'message.created' && f.message.seq === sent, 10_000, true);
    expect(created(fine.frames)).toEqual(range(1, sent));

    async function slowClosedOnServer() {
      const metrics = await t.app.inject({ url: '/metrics' });
      return /chatsockets_ws_slow_reader_closes_total 1\b/.test(metrics.body);
    }
  });

  it('[shutdown] closing the app sends 1001 to every socket', async () => {
    await t.rebuild({ WS_FRAMES_PER_SEC: '1000', WS_FRAMES_BURST: '1000' });
    url = await t.listen();
    const sockets = await Promise.all([connect(alice), connect(bob), connect(bob)]);
    await t.rebuild({ WS_FRAMES_PER_SEC: '1000', WS_FRAMES_BURST: '1000' });
    for (const s of sockets) expect((await s.closed).code).toBe(1001);
    url = await t.listen();
  });
});
