import { randomUUID } from 'node:crypto';
import { ChatDetailResponseSchema, MeResponseSchema } from '@chatsockets/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser, type TestUser } from '../../test/factories.js';
import { client } from '../../test/http.js';
import { WsClient } from '../../test/ws-client.js';
import { createChatsRepo } from '../chats/chats.repo.js';
import { createMemoryBus } from '../realtime/bus/memory.js';
import { createSettingsService } from './settings.service.js';
import { createUsersRepo } from './users.repo.js';

describe.each(drivers())('display name and last seen on %s', (driver) => {
  let t: TestContext;
  let url: string;
  const http = client(() => t.app);
  let alice: TestUser;
  let bob: TestUser;
  let mallory: TestUser;
  let clock = Date.parse('2030-05-01T12:00:00Z');
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    t = await buildTestApp(driver);
    await t.rebuild({}, { now: () => new Date(clock) });
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
    await Promise.all(sockets.splice(0).map((s) => s.close()));
    await t.truncate();
  });
  const connect = async (user: TestUser) => {
    const s = await WsClient.connect(url, { token: user.token });
    sockets.push(s);
    return s;
  };
  const members = async (viewer: TestUser, chatId: string) =>
    ChatDetailResponseSchema.parse((await http.get(viewer, `/api/chats/${chatId}`)).json()).members;

  it('[profile] a display name is set trimmed, shown in /api/me and members, cleared with null; the username stays', async () => {
    const res = await http.patch(alice, '/api/me', { displayName: '  Alice Liddell ' });
    expect(res.statusCode).toBe(200);
    expect(MeResponseSchema.parse(res.json()).user).toMatchObject({
      username: 'alice',
      displayName: 'Alice Liddell',
    });
    expect((await http.get(alice, '/api/me')).json().user.displayName).toBe('Alice Liddell');
    const chat = (await http.post(alice, '/api/chats', { title: 'T', members: ['bob'] })).json().chat;
    expect((await members(bob, chat.id))[0]!.user).toMatchObject({
      username: 'alice',
      displayName: 'Alice Liddell',
    });
    // Login is by username still.
    const login = await http.post(undefined, '/api/auth/login', {
      username: 'alice',
      password: 'correct horse battery',
    });
    expect(login.statusCode).toBe(200);
    const cleared = await http.patch(alice, '/api/me', { displayName: null });
    expect(cleared.json().user.displayName).toBeUndefined();
  });

  it('[profile] bad input is a 400 and changes nothing', async () => {
    await http.patch(alice, '/api/me', { displayName: 'Kept' });
    const bad = [
      { displayName: '   ' },
      { displayName: 'x'.repeat(65) },
      { displayName: 'a\u0000b' },
      { displayName: 5 },
      {},
      { displayName: 'ok', username: 'root' },
    ];
    for (const body of bad) {
      const res = await http.patch(alice, '/api/me', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe('BAD_REQUEST');
    }
    expect((await http.patch(alice, '/api/me', { displayName: 'x'.repeat(64) })).statusCode).toBe(200);
    expect((await http.patch(undefined, '/api/me', { displayName: 'anon' })).statusCode).toBe(401);
  });

  it('[profile] a name that shows nothing is blank: zero-width, filler and blank characters alone are a 400', async () => {
    // Clients show the display name instead of the username: these would leave the user nameless.
    for (const displayName of [
      '\u200B',
      '\u2060\u2060',
      '\u00AD',
      '\u3164',
      '\u115F\u1160',
      '\u2800',
      '\u200D\u200C',
      '\u202E',
      '\u0301',
    ]) {
      const res = await http.patch(alice, '/api/me', { displayName });
      expect(res.statusCode, JSON.stringify(displayName)).toBe(400);
      expect(res.json().error.code).toBe('BAD_REQUEST');
    }
    expect((await http.get(alice, '/api/me')).json().user.displayName).toBeUndefined();
    // Anything that draws something is a name, invisible characters inside it included.
    for (const displayName of [
      'Анна-Мария',
      '李',
      '👨\u200D👩\u200D👧',
      'Zoë\u200B',
      '.',
      '\u05D0\u05DC\u05D9',
    ]) {
      const res = await http.patch(alice, '/api/me', { displayName });
      expect(res.statusCode, JSON.stringify(displayName)).toBe(200);
      expect(res.json().user.displayName).toBe(displayName);
    }
  });

  it('[profile] user.updated reaches people who share a chat, and the user, not strangers', async () => {
    const chat = (await http.post(alice, '/api/chats', { title: 'T', members: ['bob'] })).json().chat;
    const bobWs = await connect(bob);
    await bobWs.ok({ type: 'subscribe', chatId: chat.id });
    const malloryWs = await connect(mallory);
    const own = await connect(alice);
    await http.patch(alice, '/api/me', { displayName: 'Al' });
    const event = {
      type: 'user.updated',
      user: expect.objectContaining({ id: alice.user.id, displayName: 'Al' }),
    };
    expect(await bobWs.next((f) => f.type === 'user.updated', undefined, true)).toEqual(event);
    expect(await own.next((f) => f.type === 'user.updated', undefined, true)).toEqual(event);
    // Sentinel: mallory's own chat event comes after; the name change never did.
    const hers = (await http.post(mallory, '/api/chats', { title: 'M' })).json().chat;
    await malloryWs.ok({ type: 'subscribe', chatId: hers.id });
    await http.post(mallory, `/api/chats/${hers.id}/messages`, { clientId: randomUUID(), body: 'x' });
    await malloryWs.next((f) => f.type === 'message.created', undefined, true);
    expect(malloryWs.events('user.updated')).toEqual([]);
  });

  it('[last seen] recorded when the last socket closes (injected clock); hidden with showLastSeen: false', async () => {
    const chat = (await http.post(alice, '/api/chats', { title: 'T', members: ['bob'] })).json().chat;
    expect((await http.get(bob, '/api/me/settings')).json().settings).toEqual({
      addableBy: 'anyone',
      showLastSeen: true,
    });
    const bobAsSeen = async () => (await members(bob, chat.id)).find((m) => m.user.id === bob.user.id)!.user;
    expect((await bobAsSeen()).lastSeenAt).toBeNull();
    const bobWs = await connect(bob);
    const watcher = await connect(alice);
    await watcher.ok({ type: 'subscribe', chatId: chat.id });
    clock = Date.parse('2030-05-01T13:00:00Z');
    await bobWs.close();
    // The offline presence is announced after last seen is written, and carries it.
    const offline = await watcher.next((f) => f.type === 'presence' && f.online === false, undefined, true);
    expect(offline).toMatchObject({ user: { id: bob.user.id, lastSeenAt: '2030-05-01T13:00:00.000Z' } });
    expect((await bobAsSeen()).lastSeenAt).toBe('2030-05-01T13:00:00.000Z');

    const off = await http.patch(bob, '/api/me/settings', { showLastSeen: false });
    expect(off.json().settings).toEqual({ addableBy: 'anyone', showLastSeen: false });
    expect('lastSeenAt' in (await bobAsSeen())).toBe(false);
    // Hidden: members are told at once, by an offline presence without lastSeenAt at all (and
    // from then on, of no presence of his: gateway.presence-privacy.test.ts).
    const hidden = await watcher.next(
      (f) => f.type === 'presence' && f.online === false && f !== offline,
      undefined,
      true,
    );
    expect('lastSeenAt' in (hidden as { user: object }).user).toBe(false);
    expect((await http.patch(bob, '/api/me/settings', { showLastSeen: 'no' })).statusCode).toBe(400);
  });

  it('[profile race] two names set close together: the one stored is the one announced last', async () => {
    const users = createUsersRepo(t.database.db);
    const chats = createChatsRepo(t.database.db);
    const bus = createMemoryBus();
    const announced: string[] = [];
    bus.subscribe((m) => {
      if (m.kind === 'user.updated') announced.push(m.user.displayName ?? '');
    });
    // The first change's audience read is held until the second change is done.
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    let reads = 0;
    const settings = createSettingsService({
      users,
      publish: (m) => void bus.publish(m),
      audienceOf: async (userId) => {
        if (reads++ === 0) await held;
        return chats.audienceOf(userId);
      },
    });
    const me = MeResponseSchema.parse((await http.get(alice, '/api/me')).json()).user;
    const actor = { user: me, sessionId: randomUUID() };
    const first = settings.updateProfile(actor, { displayName: 'First' });
    await settings.updateProfile(actor, { displayName: 'Second' });
    release();
    await first;
    const stored = MeResponseSchema.parse((await http.get(alice, '/api/me')).json()).user.displayName;
    expect(announced).toHaveLength(2);
    expect(announced.at(-1)).toBe(stored);
    await bus.close();
  });
});
