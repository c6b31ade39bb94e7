import { randomUUID } from 'node:crypto';
import { type ServerFrame, SubscribeReplySchema } from '@chatsockets/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser, type TestUser } from '../../test/factories.js';
import { client } from '../../test/http.js';
import { WsClient } from '../../test/ws-client.js';

type Presence = Extract<ServerFrame, { type: 'presence' }>;
const presenceOf = (userId: string, online?: boolean) => (f: ServerFrame) =>
  f.type === 'presence' && f.user.id === userId && (online === undefined || f.online === online);
/** The first frame matching after the `from`th received, whether it came already or not. */
const after = (ws: WsClient, from: number, match: (f: ServerFrame) => boolean) =>
  ws.next((f) => match(f) && ws.frames.indexOf(f) >= from, undefined, true);
const typingOf = (userId: string, active: boolean) => (f: ServerFrame) =>
  f.type === 'typing' && f.user.id === userId && (f.active !== false) === active;

/** PROTOCOL.md › Presence: who hides last seen is never shown online; readers get no presence. */
describe.each(drivers())('presence privacy on %s', (driver) => {
  let t: TestContext;
  let url: string;
  const http = client(() => t.app);
  let alice: TestUser;
  let bob: TestUser;
  let mallory: TestUser;
  const open: WsClient[] = [];
  const connect = async (user: TestUser) => {
    const c = await WsClient.connect(url, { token: user.token });
    open.push(c);
    return c;
  };
  const onlineIn = async (ws: WsClient, chatId: string) =>
    SubscribeReplySchema.parse(await ws.ok({ type: 'subscribe', chatId }))
      .online.map((u) => u.username)
      .sort();
  const hide = async (user: TestUser, hidden: boolean) =>
    expect((await http.patch(user, '/api/me/settings', { showLastSeen: !hidden })).statusCode).toBe(200);

  beforeAll(async () => {
    t = await buildTestApp(driver, { WS_FRAMES_PER_SEC: '1000', WS_FRAMES_BURST: '1000' });
    url = await t.listen();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    [alice, bob, mallory] = await Promise.all([
      registerUser(t.app, 'alice'),
      registerUser(t.app, 'bob'),
      registerUser(t.app, 'mallory'),
    ]);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    await t.truncate();
  });

  it('[hidden] a member never gets presence of a user who hides last seen, nor sees them in online[]', async () => {
    const chatId = (await http.post(alice, '/api/chats', { title: 'T', members: ['bob'] })).json().chat.id;
    await hide(bob, true);
    const a = await connect(alice);
    await a.ok({ type: 'subscribe', chatId });
    // Bob's hello comes after his coming online was announced (or not).
    const b = await connect(bob);
    expect(await onlineIn(await connect(alice), chatId)).toEqual(['alice']);
    // Bob's own reply still shows him to himself.
    expect(await onlineIn(b, chatId)).toEqual(['alice', 'bob']);
    await b.ok({ type: 'typing', chatId });
    await a.next(typingOf(bob.user.id, true), undefined, true);
    await b.close();
    // Sentinel: his last socket's close stops his typing right after it (would have) announced
    // him offline, on the same chat's path.
    await a.next(typingOf(bob.user.id, false), undefined, true);
    expect(a.frames.filter(presenceOf(bob.user.id))).toEqual([]);
  });

  it('[hidden] turning it off while online tells members offline (no lastSeenAt); on again, online', async () => {
    const chatId = (await http.post(alice, '/api/chats', { title: 'T', members: ['bob'] })).json().chat.id;
    const a = await connect(alice);
    await a.ok({ type: 'subscribe', chatId });
    const b = await connect(bob);
    await a.next(presenceOf(bob.user.id, true), undefined, true);

    await hide(bob, true);
    const off = (await a.next(presenceOf(bob.user.id, false), undefined, true)) as Presence;
    expect('lastSeenAt' in off.user).toBe(false);
    expect(await onlineIn(await connect(alice), chatId)).toEqual(['alice']);

    let from = a.frames.length;
    await hide(bob, false);
    await after(a, from, presenceOf(bob.user.id, true));
    expect(await onlineIn(await connect(alice), chatId)).toEqual(['alice', 'bob']);
    expect(a.frames.filter(presenceOf(bob.user.id)).map((f) => (f as Presence).online)).toEqual([
      true,
      false,
      true,
    ]);
    // Shown again: his going offline is announced, with when.
    from = a.frames.length;
    await b.close();
    const gone = (await after(a, from, presenceOf(bob.user.id, false))) as Presence;
    expect(gone.user.lastSeenAt).toEqual(expect.any(String));
  });

  it('[hidden] turning it off or on while offline drops, then restores, the last seen members hold', async () => {
    const chatId = (await http.post(alice, '/api/chats', { title: 'T', members: ['bob'] })).json().chat.id;
    const a = await connect(alice);
    await a.ok({ type: 'subscribe', chatId });
    await (await connect(bob)).close();
    const seen = (await a.next(presenceOf(bob.user.id, false), undefined, true)) as Presence;
    expect(seen.user.lastSeenAt).toEqual(expect.any(String));
    let from = a.frames.length;
    await hide(bob, true);
    const hidden = (await after(a, from, presenceOf(bob.user.id, false))) as Presence;
    expect('lastSeenAt' in hidden.user).toBe(false);
    from = a.frames.length;
    await hide(bob, false);
    const shown = (await after(a, from, presenceOf(bob.user.id, false))) as Presence;
    expect(shown.user.lastSeenAt).toEqual(expect.any(String));
  });

  it('[public reader] a non-member reading a public chat gets no presence and online: [], but user.updated; joining makes it a member', async () => {
    const pub = (
      await http.post(alice, '/api/chats', { title: 'Pub', visibility: 'public', members: ['bob'] })
    ).json().chat.id;
    const a = await connect(alice);
    await a.ok({ type: 'subscribe', chatId: pub });
    const m = await connect(mallory);
    // Alice is online, and a member sees it; the reader is told no one.
    expect(await onlineIn(m, pub)).toEqual([]);
    const b = await connect(bob);
    await a.next(presenceOf(bob.user.id, true), undefined, true);
    // Names on the messages it reads stay fresh: profile changes reach readers.
    await http.patch(bob, '/api/me', { displayName: 'Bobby' });
    expect(await m.next((f) => f.type === 'user.updated', undefined, true)).toMatchObject({
      user: { id: bob.user.id, displayName: 'Bobby' },
    });
    await b.close();
    await a.next(presenceOf(bob.user.id, false), undefined, true);
    // Sentinel: a message sent after the members were told comes after it on the chat's path.
    await http.post(alice, `/api/chats/${pub}/messages`, { clientId: randomUUID(), body: 'x' });
    await m.next((f) => f.type === 'message.created', undefined, true);
    expect(m.events('presence')).toEqual([]);
    // What members do there is for members too: typing and reading (a member sees both).
    const bobAgain = await connect(bob);
    await bobAgain.ok({ type: 'read', chatId: pub, seq: 1 });
    await a.next((f) => f.type === 'read' && f.userId === bob.user.id, undefined, true);
    await bobAgain.ok({ type: 'typing', chatId: pub });
    await a.next((f) => f.type === 'typing' && f.user.id === bob.user.id, undefined, true);
    await http.post(alice, `/api/chats/${pub}/messages`, { clientId: randomUUID(), body: 'y' });
    await m.next((f) => f.type === 'message.created' && f.message.body === 'y', undefined, true);
    expect(m.events('typing')).toEqual([]);
    expect(m.events('read')).toEqual([]);
    await bobAgain.close();
    // Nor by asking: who read a message is for members, and a reader's members list and change
    // feed hold no read markers (bob's is at 1 now).
    const first = (await http.get(alice, `/api/chats/${pub}/messages`)).json().messages[0];
    expect((await http.get(alice, `/api/chats/${pub}/messages/${first.id}/readers`)).statusCode).toBe(200);
    expect((await http.get(mallory, `/api/chats/${pub}/messages/${first.id}/readers`)).statusCode).toBe(403);
    const marks = async (viewer: TestUser) =>
      (await http.get(viewer, `/api/chats/${pub}`)).json().members.map((x: { readSeq: number }) => x.readSeq);
    expect(await marks(alice)).toContain(1);
    expect(await marks(mallory)).toEqual([0, 0]);
    const fed = (await http.get(mallory, `/api/chats/${pub}/changes?afterRev=0`)).json().changes;
    expect(
      fed.filter((c: { type: string; member?: { readSeq: number } }) => c.member && c.member.readSeq > 0),
    ).toEqual([]);
    // Nor does the members list tell it when they were last online; a member's does.
    const lastSeen = async (viewer: TestUser) =>
      (await http.get(viewer, `/api/chats/${pub}`))
        .json()
        .members.map((x: { user: { lastSeenAt?: string | null } }) => 'lastSeenAt' in x.user);
    expect(await lastSeen(mallory)).toEqual([false, false]);
    expect(await lastSeen(alice)).toEqual([true, true]);
    // Nor the change feed, nor a role change's event, which readers get too.
    const feed = (await http.get(mallory, `/api/chats/${pub}/changes?afterRev=0`)).json();
    const entries = feed.changes.filter((c: { type: string }) => c.type === 'member');
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.filter((c: { member: { user: object } }) => 'lastSeenAt' in c.member.user)).toEqual([]);
    await http.patch(alice, `/api/chats/${pub}/members/${bob.user.id}`, { role: 'admin' });
    const promoted = await m.next((f) => f.type === 'member.updated', undefined, true);
    expect(promoted.type === 'member.updated' && 'lastSeenAt' in promoted.member.user).toBe(false);
    // Nor bob's read marker (1): the event goes to every subscriber, readers included.
    expect(promoted.type === 'member.updated' && promoted.member.readSeq).toBe(0);
    // A member catching up still gets the markers (from the feed, as from the list).
    const memberFeed = (await http.get(alice, `/api/chats/${pub}/changes?afterRev=0`)).json().changes;
    expect(memberFeed.map((c: { member?: { readSeq: number } }) => c.member?.readSeq ?? 0)).toContain(1);

    // Joined while subscribed: a member from then on.
    expect((await http.post(mallory, `/api/chats/${pub}/join`)).statusCode).toBe(200);
    await m.next((f) => f.type === 'member.joined' && f.user.id === mallory.user.id, undefined, true);
    await connect(bob);
    await m.next(presenceOf(bob.user.id, true), undefined, true);
    expect(await onlineIn(await connect(mallory), pub)).toEqual(['alice', 'bob', 'mallory']);
  });
});
