import { randomUUID } from 'node:crypto';
import { type ServerFrame, SubscribeReplySchema } from '@chatsockets/protocol';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser, type TestUser } from '../../test/factories.js';
import { client } from '../../test/http.js';
import { waitFor } from '../../test/wait.js';
import { WsClient } from '../../test/ws-client.js';
import type { Bus, BusMessage } from './bus/bus.js';
import { createMemoryBus } from './bus/memory.js';
import { createMemoryPresence, type Presence } from './presence.js';

const created = (frames: ServerFrame[]) =>
  frames
    .filter((f): f is Extract<ServerFrame, { type: 'message.created' }> => f.type === 'message.created')
    .map((f) => f.message.seq);

/**
 * The real in-memory presence, except that one `onlineAmong` can be held: a subscribe reads
 * where the chat stands, then who is online, so holding that read holds a subscribe after its
 * position is taken and before its reply (as a slow presence store or a slow catch-up would).
 */
function holdablePresence() {
  const inner = createMemoryPresence();
  const reads = heldOnce();
  const departures = heldOnce();
  const presence: Presence = {
    ...inner,
    async disconnected(userId) {
      const changed = await inner.disconnected(userId);
      await departures.pass();
      return changed;
    },
    async onlineAmong(userIds) {
      await reads.pass();
      return inner.onlineAmong(userIds);
    },
  };
  return {
    presence,
    /** The next `disconnected` counts the socket gone, then waits for `release` before it answers. */
    holdNextDisconnect: departures.holdNext,
    /** The next `onlineAmong` waits for `release`; `entered` resolves once it is waiting. */
    holdNext: reads.holdNext,
  };
}

/** A point in a call that the next caller after `holdNext` waits at until `release`. */
function heldOnce() {
  let hold: { entered: () => void; released: Promise<void> } | undefined;
  return {
    async pass() {
      const h = hold;
      hold = undefined;
      if (h) {
        h.entered();
        await h.released;
      }
    },
    holdNext() {
      let release!: () => void;
      const released = new Promise<void>((r) => {
        release = r;
      });
      const entered = new Promise<void>((resolve) => {
        hold = { entered: resolve, released };
      });
      return { entered, release };
    },
  };
}

/** The real in-memory bus, except that messages of some kinds can be held and let go later. */
function holdableBus() {
  const inner = createMemoryBus();
  let holding = new Set<BusMessage['kind']>();
  const held: BusMessage[] = [];
  const resyncs = new Set<() => void>();
  const bus: Bus = {
    ...inner,
    async publish(message) {
      if (holding.has(message.kind)) held.push(message);
      else await inner.publish(message);
    },
    onResync(handler) {
      resyncs.add(handler);
      return () => resyncs.delete(handler);
    },
  };
  return {
    bus,
    hold: (...kinds: Array<BusMessage['kind']>) => {
      holding = new Set(kinds);
    },
    held: () => held.length,
    /** Stops holding; what was held stays held (overtaken by what comes next) until `release`. */
    letThrough() {
      holding = new Set();
    },
    /**
     * Lets go of holding and loses what was held, as a bus that dropped it would, and says so
     * as Redis's does when it reconnects (a resync).
     */
    drop() {
      holding = new Set();
      held.splice(0);
      for (const resync of resyncs) resync();
    },
    async release() {
      holding = new Set();
      for (const m of held.splice(0)) await inner.publish(m);
    },
  };
}

describe.each(drivers())('subscribe races on %s', (driver) => {
  let t: TestContext;
  let url: string;
  const http = client(() => t.app);
  const gate = holdablePresence();
  const busGate = holdableBus();
  let alice: TestUser;
  let bob: TestUser;
  let chatId: string;
  const open: WsClient[] = [];
  const connect = async (user: TestUser) => {
    const c = await WsClient.connect(url, { token: user.token });
    open.push(c);
    return c;
  };
  const send = (body: string) =>
    http.post(alice, `/api/chats/${chatId}/messages`, { clientId: randomUUID(), body });

  beforeAll(async () => {
    t = await buildTestApp(driver, { WS_FRAMES_PER_SEC: '1000', WS_FRAMES_BURST: '1000' });
    await t.rebuild({}, { presence: gate.presence, bus: busGate.bus });
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

  it('[two first subscribers] the one whose reply is older still gets every change after its rev, live', async () => {
    const slow = await connect(bob);
    const fast = await connect(alice);
    // `slow` is the chat's first subscriber on this instance: its position is read (rev 2),
    // then its reply is held.
    const held = gate.holdNext();
    const slowReply = slow.request({ type: 'subscribe', chatId });
    await held.entered;
    // Committed after `slow` read its position: they are live events for it.
    expect((await send('one')).statusCode).toBe(201);
    expect((await send('two')).statusCode).toBe(201);
    // A second subscriber reads a newer position and completes first.
    const fastData = SubscribeReplySchema.parse(await fast.ok({ type: 'subscribe', chatId }));
    expect(fastData.rev).toBe(4);
    held.release();
    const r = await slowReply;
    if (!r.ok) throw new Error(r.error.code);
    const slowData = SubscribeReplySchema.parse(r.data);
    expect(slowData).toMatchObject({ rev: 2, lastSeq: 0, missed: [], changes: [] });
    // Sentinel: once it arrives, everything before it has been forwarded.
    expect((await send('three')).statusCode).toBe(201);
    await slow.next((f) => f.type === 'message.created' && f.message.seq === 3, 15_000, true);
    // PROTOCOL.md › Change cursor: live events after the reply start above its rev, each once, in order.
    expect(created(slow.frames)).toEqual([1, 2, 3]);
    const revs = slow.frames.flatMap((f) => (f.type === 'message.created' ? [f.message.rev] : []));
    expect(revs).toEqual([3, 4, 5]);
  });

  it('[two first subscribers] a removal between the older reply and the newer one still ends the older subscription', async () => {
    const slow = await connect(bob);
    const fast = await connect(alice);
    const held = gate.holdNext();
    const slowReply = slow.request({ type: 'subscribe', chatId });
    await held.entered;
    // Bob's subscribe passed its access check at rev 2; he is removed at rev 3.
    expect((await http.del(alice, `/api/chats/${chatId}/members/${bob.user.id}`)).statusCode).toBe(204);
    expect(SubscribeReplySchema.parse(await fast.ok({ type: 'subscribe', chatId })).rev).toBe(3);
    held.release();
    const r = await slowReply;
    expect(r.ok && SubscribeReplySchema.parse(r.data).rev).toBe(2);
    // Sentinels: a message Bob must not see, then one of another chat that Bob shares with Alice.
    expect((await send('after the removal')).statusCode).toBe(201);
    const other = (await http.post(alice, '/api/chats', { title: 'Other', members: ['bob'] })).json().chat.id;
    await slow.ok({ type: 'subscribe', chatId: other });
    const sentinel = await http.post(alice, `/api/chats/${other}/messages`, {
      clientId: randomUUID(),
      body: 'x',
    });
    expect(sentinel.statusCode).toBe(201);
    await slow.next((f) => f.type === 'message.created' && f.message.chatId === other, 15_000, true);
    // PROTOCOL.md › Membership at delivery: member.left, then nothing more of the chat.
    expect(slow.frames.filter((f) => f.type === 'message.created' && f.message.chatId === chatId)).toEqual(
      [],
    );
    const left = slow.frames.filter((f) => f.type === 'member.left' && f.chatId === chatId);
    expect(left.length).toBeGreaterThan(0);
  });

  it('[removed while subscribing] a subscribe by afterSeq whose check passed before a removal carries nothing sent after it', async () => {
    expect((await send('before')).statusCode).toBe(201);
    const b = await connect(bob);
    const held = gate.holdNext();
    const reply = b.request({ type: 'subscribe', chatId, afterSeq: 0 });
    await held.entered; // Bob's access check passed, at rev 3
    expect((await http.del(alice, `/api/chats/${chatId}/members/${bob.user.id}`)).statusCode).toBe(204);
    expect((await send('secret one')).statusCode).toBe(201);
    expect((await send('secret two')).statusCode).toBe(201);
    held.release();
    const r = await reply;
    if (!r.ok) throw new Error(r.error.code);
    const data = SubscribeReplySchema.parse(r.data);
    expect(data.missed.map((m) => m.body)).toEqual(['before']);
    await b.next((f) => f.type === 'member.left' && f.chatId === chatId, 15_000, true);
    expect(created(b.frames)).toEqual([]);
  });

  it('[changed while subscribing] a message reacted to between the check and the catch-up is in the reply, at its newer rev', async () => {
    for (const by of [{ afterSeq: 0 }, { afterRev: 0 }]) {
      const sent = await send(`reacted ${JSON.stringify(by)}`);
      expect(sent.statusCode).toBe(201);
      const m = sent.json().message;
      const b = await connect(bob);
      const held = gate.holdNext();
      const reply = b.request({ type: 'subscribe', chatId, ...by });
      await held.entered; // Bob's check passed: the message is at its first rev
      const reacted = await http.put(
        alice,
        `/api/chats/${chatId}/messages/${m.id}/reactions/${encodeURIComponent('👍')}`,
      );
      expect(reacted.statusCode).toBeLessThan(300);
      held.release();
      const r = await reply;
      if (!r.ok) throw new Error(r.error.code);
      const data = SubscribeReplySchema.parse(r.data);
      const caught = [
        ...data.missed,
        ...(data.changes ?? []).flatMap((c) => (c.type === 'message' ? [c.message] : [])),
      ].find((x) => x.id === m.id);
      // Left out, the message would come only as the reaction's delta: to a client without it.
      expect(
        caught?.reactions.map((x) => x.emoji),
        JSON.stringify(by),
      ).toEqual(['👍']);
      expect(caught!.rev).toBeGreaterThan(data.rev);
    }
  });

  it('[removed while subscribing] a message changed after the removal is not in the reply: the subscribe is refused', async () => {
    const m = (await send('before')).json().message;
    const b = await connect(bob);
    const held = gate.holdNext();
    const reply = b.request({ type: 'subscribe', chatId, afterSeq: 0 });
    await held.entered; // Bob's check passed
    expect((await http.del(alice, `/api/chats/${chatId}/members/${bob.user.id}`)).statusCode).toBe(204);
    const edited = await http.patch(alice, `/api/chats/${chatId}/messages/${m.id}`, {
      body: 'after the removal',
    });
    expect(edited.statusCode).toBe(200);
    held.release();
    const r = await reply;
    expect(r.ok ? JSON.stringify(r.data) : r.error.code).toBe('FORBIDDEN');
  });

  it("[ahead of the chat] a subscribe by afterSeq past the chat's end still gets every new message", async () => {
    expect((await send('one')).statusCode).toBe(201);
    const b = await connect(bob);
    const data = SubscribeReplySchema.parse(await b.ok({ type: 'subscribe', chatId, afterSeq: 50 }));
    expect(data).toMatchObject({ lastSeq: 1, missed: [] });
    expect((await send('two')).statusCode).toBe(201);
    await b.next((f) => f.type === 'message.created', 15_000, true);
    expect(created(b.frames)).toEqual([2]);
  });

  it("[member.left in order] the removed member gets the chat's earlier events, then member.left, then nothing", async () => {
    const b = await connect(bob);
    await b.ok({ type: 'subscribe', chatId });
    // The chat's events wait on the bus; what goes to a user's own sockets does not.
    busGate.hold('chat');
    expect((await send('one')).statusCode).toBe(201);
    expect((await send('two')).statusCode).toBe(201);
    expect((await http.del(alice, `/api/chats/${chatId}/members/${bob.user.id}`)).statusCode).toBe(204);
    // Sentinel on Bob's own channel, published after the removal's.
    const other = (await http.post(alice, '/api/chats', { title: 'Other', members: ['bob'] })).json().chat.id;
    await b.next((f) => f.type === 'member.joined' && f.chatId === other, 15_000, true);
    await busGate.release();
    await b.next((f) => f.type === 'member.left' && f.chatId === chatId, 15_000, true);
    // Sentinel: a message in the other chat, after everything of the first.
    await b.ok({ type: 'subscribe', chatId: other });
    await http.post(alice, `/api/chats/${other}/messages`, { clientId: randomUUID(), body: 'x' });
    await b.next((f) => f.type === 'message.created' && f.message.chatId === other, 15_000, true);
    const ofChat = b.frames.flatMap((f) =>
      f.type === 'message.created' && f.message.chatId === chatId
        ? [`created ${f.message.seq}`]
        : f.type === 'member.left' && f.chatId === chatId
          ? ['left']
          : [],
    );
    expect(ofChat).toEqual(['created 1', 'created 2', 'left']);
  });

  it('[departures] removed, re-added and removed again while the bus lost it all: the fill stops at the first departure', async () => {
    const b = await connect(bob);
    await b.ok({ type: 'subscribe', chatId });
    busGate.hold('chat');
    const remove = () => http.del(alice, `/api/chats/${chatId}/members/${bob.user.id}`);
    expect((await remove()).statusCode).toBe(204);
    expect((await send('secret one')).statusCode).toBe(201);
    expect((await http.post(alice, `/api/chats/${chatId}/members`, { username: 'bob' })).statusCode).toBe(
      201,
    );
    expect((await remove()).statusCode).toBe(204);
    busGate.drop();
    // The next change reaches the instance past a hole: it reads the hole back first.
    expect((await send('after')).statusCode).toBe(201);
    await b.next((f) => f.type === 'member.left' && f.chatId === chatId, 15_000, true);
    // Sentinel: a message in another chat, after everything of the first.
    const other = (await http.post(alice, '/api/chats', { title: 'Other', members: ['bob'] })).json().chat.id;
    await b.ok({ type: 'subscribe', chatId: other });
    await http.post(alice, `/api/chats/${other}/messages`, { clientId: randomUUID(), body: 'x' });
    await b.next((f) => f.type === 'message.created' && f.message.chatId === other, 15_000, true);
    expect(b.frames.filter((f) => f.type === 'message.created' && f.message.chatId === chatId)).toEqual([]);
  });

  it('[gap fill] a pin and a reaction the bus lost reach a subscriber who holds the message, as message.updated', async () => {
    const b = await connect(bob);
    await b.ok({ type: 'subscribe', chatId });
    const m1 = (await send('pin me')).json().message;
    await b.next((f) => f.type === 'message.created' && f.message.id === m1.id, 15_000, true);
    busGate.hold('chat');
    expect((await http.put(alice, `/api/chats/${chatId}/messages/${m1.id}/pin`)).statusCode).toBe(200);
    const like = `/api/chats/${chatId}/messages/${m1.id}/reactions/${encodeURIComponent('👍')}`;
    expect((await http.put(alice, like)).statusCode).toBe(204);
    busGate.drop();
    // The next change reaches the instance past a hole: it reads the hole back first.
    const m2 = (await send('after')).json().message;
    await b.next((f) => f.type === 'message.created' && f.message.id === m2.id, 15_000, true);
    const ofM1 = b.frames.filter(
      (f) => (f.type === 'message.created' || f.type === 'message.updated') && f.message.id === m1.id,
    );
    // Created once, live; then its new state, as an update of the message the client holds.
    expect(ofM1.map((f) => f.type)).toEqual(['message.created', 'message.updated']);
    const now = ofM1[1]!.type === 'message.updated' ? ofM1[1]!.message : undefined;
    expect(now?.pinnedAt).not.toBeNull();
    expect(now?.reactions.map((r) => r.emoji)).toEqual(['👍']);
  });

  it('[gap fill] a socket that subscribed by rev holds what came before it: a change read back is message.updated', async () => {
    const m1 = (await send('before')).json().message;
    const b = await connect(bob);
    const reply = SubscribeReplySchema.parse(await b.ok({ type: 'subscribe', chatId, afterRev: m1.rev }));
    expect(reply.rev).toBe(m1.rev);
    busGate.hold('chat');
    expect((await http.put(alice, `/api/chats/${chatId}/messages/${m1.id}/pin`)).statusCode).toBe(200);
    busGate.drop();
    const m2 = (await send('after')).json().message;
    await b.next((f) => f.type === 'message.created' && f.message.id === m2.id, 15_000, true);
    const ofM1 = b.frames.filter(
      (f) => (f.type === 'message.created' || f.type === 'message.updated') && f.message.id === m1.id,
    );
    // Not a new message (a client would notify of it again): its pin.
    expect(ofM1.map((f) => f.type)).toEqual(['message.updated']);
  });

  it('[gap fill] a message the bus lost altogether comes as message.created, once', async () => {
    const b = await connect(bob);
    await b.ok({ type: 'subscribe', chatId });
    busGate.hold('chat');
    const lost = (await send('lost')).json().message;
    const like = `/api/chats/${chatId}/messages/${lost.id}/reactions/${encodeURIComponent('👍')}`;
    expect((await http.put(alice, like)).statusCode).toBe(204);
    busGate.drop();
    const m2 = (await send('after')).json().message;
    await b.next((f) => f.type === 'message.created' && f.message.id === m2.id, 15_000, true);
    const ofLost = b.frames.filter(
      (f) => (f.type === 'message.created' || f.type === 'message.updated') && f.message.id === lost.id,
    );
    expect(ofLost.map((f) => f.type)).toEqual(['message.created']);
    expect(ofLost[0]!.type === 'message.created' && ofLost[0]!.message.reactions.length).toBe(1);
  });

  it('[gap fill] joins the bus lost come as member.joined; one promoted since, then as member.updated with the role', async () => {
    await registerUser(t.app, 'carol');
    const dave = await registerUser(t.app, 'dave');
    const b = await connect(bob);
    await b.ok({ type: 'subscribe', chatId });
    busGate.hold('chat', 'user');
    const add = (username: string) => http.post(alice, `/api/chats/${chatId}/members`, { username });
    expect((await add('carol')).statusCode).toBe(201);
    expect((await add('dave')).statusCode).toBe(201);
    const promote = await http.patch(alice, `/api/chats/${chatId}/members/${dave.user.id}`, {
      role: 'admin',
    });
    expect(promote.statusCode).toBe(200);
    busGate.drop();
    const m = (await send('after')).json().message;
    await b.next((f) => f.type === 'message.created' && f.message.id === m.id, 15_000, true);
    const about = (f: ServerFrame) =>
      f.type === 'member.joined'
        ? `joined ${f.user.username}`
        : f.type === 'member.updated'
          ? `${f.member.user.username} ${f.member.role}`
          : undefined;
    expect(b.frames.flatMap((f) => about(f) ?? [])).toEqual(['joined carol', 'joined dave', 'dave admin']);
  });

  it('[gap fill] removed and added back while the bus lost both: the member gets member.left, then member.joined', async () => {
    const b = await connect(bob);
    await b.ok({ type: 'subscribe', chatId });
    // Bob's other socket, subscribed to nothing: it hears of its chats on bob's own channel.
    const idle = await connect(bob);
    busGate.hold('chat', 'user');
    expect((await http.del(alice, `/api/chats/${chatId}/members/${bob.user.id}`)).statusCode).toBe(204);
    expect((await http.post(alice, `/api/chats/${chatId}/members`, { username: 'bob' })).statusCode).toBe(
      201,
    );
    busGate.drop();
    const m = (await send('after')).json().message;
    await b.next((f) => f.type === 'member.joined' && f.chatId === chatId, 15_000, true);
    const mine = b.frames.flatMap((f) =>
      (f.type === 'member.left' || f.type === 'member.joined') && f.user.id === bob.user.id ? [f.type] : [],
    );
    expect(mine).toEqual(['member.left', 'member.joined']);
    await idle.next((f) => f.type === 'member.joined' && f.chatId === chatId, 15_000, true);
    expect(
      idle.frames.flatMap((f) => (f.type === 'member.left' || f.type === 'member.joined' ? [f.type] : [])),
    ).toEqual(['member.left', 'member.joined']);
    // Unsubscribed by the departure: what came after it is not pushed; subscribing again gets it.
    const again = SubscribeReplySchema.parse(await b.ok({ type: 'subscribe', chatId, afterSeq: 0 }));
    expect(again.missed.map((x) => x.id)).toContain(m.id);
  });

  it('[gap fill] a join whose events were only overtaken reaches the joiner’s unsubscribed socket once', async () => {
    const carol = await registerUser(t.app, 'carol');
    const b = await connect(bob);
    await b.ok({ type: 'subscribe', chatId });
    const idle = await connect(carol);
    busGate.hold('chat');
    expect((await http.post(alice, `/api/chats/${chatId}/members`, { username: 'carol' })).statusCode).toBe(
      201,
    );
    await idle.next((f) => f.type === 'member.joined' && f.chatId === chatId, 15_000, true);
    // The next change overtakes the held join: the instance reads the join back, then the held
    // copy comes late (and is dropped as such).
    busGate.letThrough();
    const m = (await send('after')).json().message;
    await b.next((f) => f.type === 'message.created' && f.message.id === m.id, 15_000, true);
    await busGate.release();
    // Sentinel on carol's own channel, after all of it: a chat she is added to next.
    const other = (await http.post(alice, '/api/chats', { title: 'Next', members: ['carol'] })).json().chat
      .id;
    await idle.next((f) => f.type === 'member.joined' && f.chatId === other, 15_000, true);
    expect(idle.frames.filter((f) => f.type === 'member.joined' && f.chatId === chatId)).toHaveLength(1);
    expect(b.frames.filter((f) => f.type === 'member.joined' && f.user.id === carol.user.id)).toHaveLength(1);
  });

  it('[gap fill] a join the bus lost, read back before the bus said so, reaches the joiner’s unsubscribed socket once', async () => {
    const carol = await registerUser(t.app, 'carol');
    const b = await connect(bob);
    await b.ok({ type: 'subscribe', chatId });
    const idle = await connect(carol);
    busGate.hold('chat', 'user');
    expect((await http.post(alice, `/api/chats/${chatId}/members`, { username: 'carol' })).statusCode).toBe(
      201,
    );
    // Live again before the loss is known (Redis delivers on a channel once it is confirmed, and
    // the resync comes after): the next change's hole reads the join back.
    busGate.letThrough();
    const m = (await send('after')).json().message;
    await b.next((f) => f.type === 'message.created' && f.message.id === m.id, 15_000, true);
    busGate.drop();
    const other = (await http.post(alice, '/api/chats', { title: 'Next', members: ['carol'] })).json().chat
      .id;
    await idle.next((f) => f.type === 'member.joined' && f.chatId === other, 15_000, true);
    expect(idle.frames.filter((f) => f.type === 'member.joined' && f.chatId === chatId)).toHaveLength(1);
  });

  it('[chat.deleted] a member’s socket gets it exactly once, whichever copy comes first, even when it unsubscribes meanwhile', async () => {
    const deleted = (c: WsClient) =>
      c.frames.filter((f) => f.type === 'chat.deleted' && f.chatId === chatId).length;
    const del = async () => expect((await http.del(alice, `/api/chats/${chatId}`)).statusCode).toBe(204);
    // Sentinel on bob's own channel, after whatever of the chat: a chat he is added to next.
    const sentinel = async (c: WsClient) => {
      const next = (await http.post(alice, '/api/chats', { title: 'Next', members: ['bob'] })).json().chat.id;
      await c.next((f) => f.type === 'member.joined' && f.chatId === next, 15_000, true);
    };
    // The chat's copy first, the user's late.
    let b = await connect(bob);
    await b.ok({ type: 'subscribe', chatId });
    busGate.hold('user');
    await del();
    await b.next((f) => f.type === 'chat.deleted', 15_000, true);
    await busGate.release();
    await sentinel(b);
    expect(deleted(b)).toBe(1);
    // The user's copy first; the socket unsubscribes before the chat's copy comes.
    chatId = (await http.post(alice, '/api/chats', { title: 'Room 2', members: ['bob'] })).json().chat.id;
    b = await connect(bob);
    await b.ok({ type: 'subscribe', chatId });
    busGate.hold('chat');
    await del();
    await b.ok({ type: 'unsubscribe', chatId });
    await busGate.release();
    await sentinel(b);
    expect(deleted(b)).toBe(1);
  });

  it('[presence] a user who reconnects while their going offline is announced stays shown online', async () => {
    const a = await connect(alice);
    await a.ok({ type: 'subscribe', chatId });
    const first = await connect(bob);
    await a.next((f) => f.type === 'presence' && f.user.id === bob.user.id && f.online, 15_000, true);
    const held = gate.holdNextDisconnect();
    await first.close();
    await held.entered; // Bob's last socket is counted gone; the offline announcement waits
    const second = await connect(bob);
    held.release();
    // Sentinel: a message after whatever Bob's two transitions announced.
    await second.ok({ type: 'subscribe', chatId });
    expect((await send('sentinel')).statusCode).toBe(201);
    await a.next((f) => f.type === 'message.created' && f.message.body === 'sentinel', 15_000, true);
    const bobs = a.frames.flatMap((f) =>
      f.type === 'presence' && f.user.id === bob.user.id ? [f.online] : [],
    );
    expect(bobs.at(-1)).toBe(true);
  });

  it('[deleted while subscribing] a public reader whose subscribe races the delete still gets chat.deleted, after its reply', async () => {
    const carol = await registerUser(t.app, 'carol');
    const pub = (await http.post(alice, '/api/chats', { title: 'Public', visibility: 'public' })).json().chat
      .id;
    const owner = await connect(alice);
    await owner.ok({ type: 'subscribe', chatId: pub }); // the route knows where the chat stands
    const reader = await connect(carol);
    const held = gate.holdNext();
    const reply = reader.request({ type: 'subscribe', chatId: pub });
    await held.entered; // carol's access check passed
    expect((await http.del(alice, `/api/chats/${pub}`)).statusCode).toBe(204);
    await owner.next((f) => f.type === 'chat.deleted' && f.chatId === pub, 15_000, true);
    held.release();
    const r = await reply;
    expect(r.ok).toBe(true);
    // PROTOCOL.md › Deleting a chat: chat.deleted goes to the chat's subscribers, public readers
    // included. Carol is no member: her subscription is the only way she can learn it.
    await reader.next((f) => f.type === 'chat.deleted' && f.chatId === pub, 15_000, true);
    const at = (type: string) =>
      reader.frames.findIndex((f) => f.type === type && (f.type !== 'reply' || f.id === r.id));
    expect(at('chat.deleted')).toBeGreaterThan(at('reply'));
  });

  it.runIf(driver === 'postgres')(
    "[refused subscribe] a non-member's subscribe that is refused never gets the chat's members' presence or profiles meanwhile",
    async () => {
      const carol = await registerUser(t.app, 'carol');
      const member = await connect(bob);
      await member.ok({ type: 'subscribe', chatId }); // the route exists, with a subscriber
      // Alice's new name is announced to her chats' subscribers; held on the bus for now.
      busGate.hold('user.updated');
      expect((await http.patch(alice, '/api/me', { displayName: 'Alice A.' })).statusCode).toBe(200);
      await waitFor('the announcement', () => busGate.held() === 1);
      const outsider = await connect(carol);
      // Carol's access check waits behind a lock on the chats table: her subscription is
      // registered, her check not yet made.
      const sql = postgres(t.config.db.driver === 'postgres' ? t.config.db.url : '', { max: 1 });
      try {
        const locked = sql.begin(async (tx) => {
          await tx`lock table chats in access exclusive mode`;
          const reply = outsider.request({ type: 'subscribe', chatId });
          await waitFor('carol waiting on the lock', async () => {
            const [row] =
              await tx`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and application_name = 'chatsockets'`;
            return (row?.n ?? 0) > 0;
          });
          await busGate.release();
          // Sentinel: the announcement reached the chat's subscribers (Bob hears of Alice
          // through this chat only, in the same step as every other subscriber of it).
          await member.next((f) => f.type === 'user.updated', 15_000, true);
          return { reply }; // not awaited here: the lock goes with the transaction
        });
        const r = await (await locked).reply;
        expect(r.ok ? 'ok' : r.error.code).toBe('FORBIDDEN');
      } finally {
        await sql.end();
      }
      // PROTOCOL.md › Membership at delivery: nor of its members' presence or profiles.
      expect(outsider.frames.filter((f) => f.type === 'user.updated' || f.type === 'presence')).toEqual([]);
    },
  );
});
