import { randomUUID } from 'node:crypto';
import { ChatListPageSchema } from '@chatsockets/protocol';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser } from '../../test/factories.js';
import { client } from '../../test/http.js';
import { rowsOf } from '../db/ids.js';

describe.each(drivers())('chat list paging and abuse limits on %s', (driver) => {
  let t: TestContext;
  const http = client(() => t.app);

  beforeAll(async () => {
    t = await buildTestApp(driver);
  });
  afterAll(() => t.close());
  afterEach(async () => {
    await t.rebuild();
    await t.truncate();
  });

  const countChats = async () =>
    Number(
      rowsOf<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from chats`))[0]!.n,
    );

  it('[list] pages of the chat list, newest activity first, each chat once; bad cursors and limits are 400', async () => {
    const alice = await registerUser(t.app, 'alice');
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push((await http.post(alice, '/api/chats', { title: `c${i}` })).json().chat.id);
    // Activity: a message in c2 makes it the newest.
    await http.post(alice, `/api/chats/${ids[2]}/messages`, { clientId: 'x1', body: 'bump' });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await http.get(alice, `/api/chats?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const page = ChatListPageSchema.parse(res.json());
      expect(page.chats.length).toBeLessThanOrEqual(3);
      seen.push(...page.chats.map((c) => c.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([ids[2], ids[6], ids[5], ids[4], ids[3], ids[1], ids[0]]);
    const all = ChatListPageSchema.parse((await http.get(alice, '/api/chats')).json());
    expect(all.chats.map((c) => c.id)).toEqual(seen);
    expect(all.nextCursor).toBeNull();
    for (const q of [
      'limit=0',
      'limit=201',
      'limit=x',
      'cursor=',
      'cursor=abc',
      `cursor=${'a'.repeat(201)}`,
      'page=2',
    ]) {
      const res = await http.get(alice, `/api/chats?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.code).toBe('BAD_REQUEST');
    }
    // Forged cursors: times JavaScript parses but Postgres does not ("1", Feb 30, a NUL, years
    // out of its range) are the same 400 as any cursor the server did not give, never a 500.
    for (const time of [
      'not a date',
      '1',
      '2020',
      'Tue Dec 1',
      '2020-02-30',
      '2020-02-30 00:00:00+00',
      '2020-01-01 24:00:00+00',
      '2020-01-01 00:00:00+00\u0000',
      '-271821-04-20T00:00:00.000Z',
      '+275760-09-13T00:00:00.000Z',
      'Thu, 01 Jan 1970 00:00:00 GMT-9999',
    ]) {
      const forged = Buffer.from(JSON.stringify([time, ids[0]])).toString('base64url');
      const res = await http.get(alice, `/api/chats?cursor=${forged}`);
      expect(res.statusCode, time).toBe(400);
      expect(res.json().error.code).toBe('BAD_REQUEST');
    }
  });

  it('[limits] chat creation and member adds per user per hour: 429 past the limit, nothing half-written', async () => {
    await t.rebuild({ CHAT_CREATES_PER_HOUR: '2', MEMBER_ADDS_PER_HOUR: '3' });
    const alice = await registerUser(t.app, 'alice');
    for (const name of ['bob', 'carol', 'dave', 'erin']) await registerUser(t.app, name);
    expect(
      (await http.post(alice, '/api/chats', { title: 'one', members: ['bob', 'carol'] })).statusCode,
    ).toBe(201);
    // Two more adds would pass the limit of three: refused whole, no chat created.
    const tooMany = await http.post(alice, '/api/chats', { title: 'two', members: ['dave', 'erin'] });
    expect(tooMany.statusCode).toBe(429);
    expect(tooMany.json().error.code).toBe('RATE_LIMITED');
    expect(tooMany.headers['retry-after']).toBeDefined();
    expect(await countChats()).toBe(1);
    const second = await http.post(alice, '/api/chats', { title: 'two' });
    expect(second.statusCode).toBe(201);
    expect((await http.post(alice, '/api/chats', { title: 'three' })).statusCode).toBe(429);
    expect(
      (await http.post(alice, `/api/chats/${second.json().chat.id}/members`, { username: 'dave' }))
        .statusCode,
    ).toBe(201);
    expect(
      (await http.post(alice, `/api/chats/${second.json().chat.id}/members`, { username: 'erin' }))
        .statusCode,
    ).toBe(429);
    // Per user: another user is not limited by alice's use.
    const bob = await registerUser(t.app, 'bobby');
    expect((await http.post(bob, '/api/chats', { title: 'bob’s' })).statusCode).toBe(201);
  });

  it('[limits] opening a direct chat that exists, or adding someone already a member, starts nothing and costs nothing', async () => {
    await t.rebuild({ CHAT_CREATES_PER_HOUR: '2', MEMBER_ADDS_PER_HOUR: '3' });
    const alice = await registerUser(t.app, 'alice');
    const bob = await registerUser(t.app, 'bob');
    for (const name of ['carol', 'dave', 'erin']) await registerUser(t.app, name);
    const dm = (await http.post(alice, '/api/chats/direct', { username: 'bob' })).json().chat.id;
    // The app opens a conversation this way every time: it is the same chat, nothing started.
    for (let i = 0; i < 5; i++) {
      const again = await http.post(alice, '/api/chats/direct', { username: 'bob' });
      expect(again.statusCode, `open #${i}`).toBeLessThan(300);
      expect(again.json().chat.id).toBe(dm);
    }
    // Bob opening it from his side is no new chat either.
    expect((await http.post(bob, '/api/chats/direct', { username: 'alice' })).json().chat?.id).toBe(dm);
    const group = await http.post(alice, '/api/chats', { title: 'g', members: ['bob'] });
    expect(group.statusCode).toBe(201);
    const id = group.json().chat.id;
    for (let i = 0; i < 3; i++)
      expect((await http.post(alice, `/api/chats/${id}/members`, { username: 'bob' })).statusCode).toBe(409);
    expect((await http.post(alice, `/api/chats/${id}/members`, { username: 'carol' })).statusCode).toBe(201);
    expect(await countChats()).toBe(2);
    // And the limits still hold for what does count. A group refused for the chats of the hour
    // puts no one anywhere, so it costs no adds either.
    expect((await http.post(alice, '/api/chats/direct', { username: 'carol' })).statusCode).toBe(429);
    expect((await http.post(alice, '/api/chats', { title: 'h', members: ['dave'] })).statusCode).toBe(429);
    expect((await http.post(alice, `/api/chats/${id}/members`, { username: 'dave' })).statusCode).toBe(201);
    expect((await http.post(alice, `/api/chats/${id}/members`, { username: 'erin' })).statusCode).toBe(429);
    expect(await countChats()).toBe(2);
  });

  it('[addable] a user who accepts adds only from contacts cannot be put into a chat by a stranger', async () => {
    const victim = await registerUser(t.app, 'victim');
    const stranger = await registerUser(t.app, 'stranger');
    const friend = await registerUser(t.app, 'friend');
    expect((await http.get(victim, '/api/me/settings')).json()).toEqual({
      settings: { addableBy: 'anyone', showLastSeen: true },
    });
    for (const body of [{ addableBy: 'nobody' }, { addableBy: 'contacts', extra: 1 }, { addableBy: null }]) {
      expect((await http.patch(victim, '/api/me/settings', body)).statusCode).toBe(400);
    }
    const set = await http.patch(victim, '/api/me/settings', { addableBy: 'contacts' });
    expect(set.json()).toEqual({ settings: { addableBy: 'contacts', showLastSeen: true } });
    expect((await http.get(victim, '/api/me/settings')).json().settings.addableBy).toBe('contacts');

    const refused = await http.post(stranger, '/api/chats', { title: 'spam', members: ['victim'] });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toContain('victim');
    expect(await countChats()).toBe(0);
    const own = (await http.post(stranger, '/api/chats', { title: 'spam 2' })).json().chat.id;
    expect((await http.post(stranger, `/api/chats/${own}/members`, { username: 'victim' })).statusCode).toBe(
      403,
    );
    // A direct chat is not an add to a group: still allowed. But opening one, or joining a public
    // group the victim writes in, is the stranger's own doing and makes no contact.
    const direct = await http.post(stranger, '/api/chats/direct', { username: 'victim' });
    expect(direct.statusCode).toBe(200);
    await http.post(stranger, `/api/chats/${direct.json().chat.id}/messages`, {
      clientId: randomUUID(),
      body: 'hi',
    });
    const square = (await http.post(victim, '/api/chats', { title: 'square', visibility: 'public' })).json()
      .chat.id;
    await http.post(victim, `/api/chats/${square}/messages`, { clientId: randomUUID(), body: 'hello all' });
    expect((await http.post(stranger, `/api/chats/${square}/join`)).statusCode).toBe(200);
    expect(
      (await http.post(stranger, '/api/chats', { title: 'spam 3', members: ['victim'] })).statusCode,
    ).toBe(403);
    expect((await http.post(stranger, `/api/chats/${own}/members`, { username: 'victim' })).statusCode).toBe(
      403,
    );
    // Someone the victim has written to in a private chat may add them.
    const withFriend = (await http.post(friend, '/api/chats/direct', { username: 'victim' })).json().chat.id;
    expect(
      (await http.post(friend, '/api/chats', { title: 'friends', members: ['victim'] })).statusCode,
    ).toBe(403);
    await http.post(victim, `/api/chats/${withFriend}/messages`, { clientId: randomUUID(), body: 'hey' });
    expect(
      (await http.post(friend, '/api/chats', { title: 'friends', members: ['victim'] })).statusCode,
    ).toBe(201);
    // The victim answering the stranger's direct chat makes the stranger a contact too.
    await http.post(victim, `/api/chats/${direct.json().chat.id}/messages`, {
      clientId: randomUUID(),
      body: 'who?',
    });
    expect((await http.post(stranger, `/api/chats/${own}/members`, { username: 'victim' })).statusCode).toBe(
      201,
    );
    expect((await http.get(stranger, '/api/me/settings')).json().settings.addableBy).toBe('anyone');
  });

  it('[addable] what the user wrote before someone came in, or deleted, was not written to them', async () => {
    const victim = await registerUser(t.app, 'victim');
    const friend = await registerUser(t.app, 'friend');
    const newcomer = await registerUser(t.app, 'newcomer');
    const group = (await http.post(friend, '/api/chats', { title: 'circle', members: ['victim'] })).json()
      .chat.id;
    await http.patch(victim, '/api/me/settings', { addableBy: 'contacts' });
    const said = await http.post(victim, `/api/chats/${group}/messages`, {
      clientId: randomUUID(),
      body: 'hi',
    });
    const link = (await http.post(friend, `/api/chats/${group}/invites`, {})).json().invite.token;
    expect((await http.post(newcomer, `/api/invites/${link}/join`)).statusCode).toBe(200);
    const tryAdd = async () =>
      (await http.post(newcomer, '/api/chats', { title: 'x', members: ['victim'] })).statusCode;
    expect(await tryAdd()).toBe(403);
    // Written after the newcomer came in, then deleted: still nothing.
    const later = await http.post(victim, `/api/chats/${group}/messages`, {
      clientId: randomUUID(),
      body: 'oops',
    });
    expect(
      (await http.del(victim, `/api/chats/${group}/messages/${later.json().message.id}`)).statusCode,
    ).toBe(204);
    expect(await tryAdd()).toBe(403);
    expect(said.statusCode).toBe(201);
    await http.post(victim, `/api/chats/${group}/messages`, { clientId: randomUUID(), body: 'welcome' });
    expect(await tryAdd()).toBe(201);
  });
});
