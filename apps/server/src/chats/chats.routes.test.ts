import { randomUUID } from 'node:crypto';
import {
  ChangesResponseSchema,
  type Chat,
  ChatDetailResponseSchema,
  ChatListResponseSchema,
  MemberResponseSchema,
} from '@chatsockets/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser, type TestUser } from '../../test/factories.js';
import { client } from '../../test/http.js';

describe.each(drivers())('chats on %s', (driver) => {
  let t: TestContext;
  const http = client(() => t.app);
  let alice: TestUser;
  let bob: TestUser;
  let mallory: TestUser;

  beforeAll(async () => {
    t = await buildTestApp(driver);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    [alice, bob, mallory] = await Promise.all([
      registerUser(t.app, 'alice'),
      registerUser(t.app, 'bob'),
      registerUser(t.app, 'mallory'),
    ]);
  });
  afterEach(() => t.truncate());

  const create = async (user: TestUser, body: object) =>
    (await http.post(user, '/api/chats', body)).json().chat as Chat;
  const send = (user: TestUser, chatId: string, body = 'hi') =>
    http.post(user, `/api/chats/${chatId}/messages`, { clientId: randomUUID(), body });
  const list = async (user: TestUser) =>
    ChatListResponseSchema.parse((await http.get(user, '/api/chats')).json()).chats;

  it('[create] caller is owner; members by username; unknown username → 404 and nothing created', async () => {
    const res = await http.post(alice, '/api/chats', {
      title: '  Team  ',
      visibility: 'private',
      members: ['BOB'],
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().chat).toMatchObject({
      title: 'Team',
      kind: 'group',
      visibility: 'private',
      role: 'owner',
      lastSeq: 0,
      unreadCount: 0,
      lastMessage: null,
    });
    const detail = ChatDetailResponseSchema.parse(
      (await http.get(bob, `/api/chats/${res.json().chat.id}`)).json(),
    );
    expect(detail.members.map((m) => [m.user.username, m.role])).toEqual([
      ['alice', 'owner'],
      ['bob', 'member'],
    ]);
    const bad = await http.post(alice, '/api/chats', { title: 'X', members: ['bob', 'ghost'] });
    expect(bad.statusCode).toBe(404);
    expect(bad.json().error.code).toBe('NOT_FOUND');
    expect(await list(alice)).toHaveLength(1);
  });

  it('[access] a non-member reading, posting, editing, paging a private chat → 403, nothing leaks', async () => {
    const chat = await create(alice, { title: 'Secret', members: ['bob'] });
    const m = (await send(alice, chat.id, 'classified')).json().message;
    const attempts = [
      await http.get(mallory, `/api/chats/${chat.id}`),
      await http.get(mallory, `/api/chats/${chat.id}/messages`),
      await http.get(mallory, `/api/chats/${chat.id}/messages?afterSeq=0`),
      await send(mallory, chat.id),
      await http.patch(mallory, `/api/chats/${chat.id}/messages/${m.id}`, { body: 'pwned' }),
      await http.del(mallory, `/api/chats/${chat.id}/messages/${m.id}`),
      await http.get(mallory, `/api/chats/${chat.id}/messages/${m.id}/readers`),
      await http.post(mallory, `/api/chats/${chat.id}/read`, { seq: 1 }),
      await http.post(mallory, `/api/chats/${chat.id}/join`),
      await http.post(mallory, `/api/chats/${chat.id}/members`, { username: 'mallory' }),
      await http.del(mallory, `/api/chats/${chat.id}/members/${bob.user.id}`),
    ];
    for (const res of attempts) {
      expect(res.statusCode, res.body).toBe(403);
      expect(res.body).not.toContain('classified');
      expect(res.body).not.toContain('Secret');
    }
    expect((await list(mallory)).map((c) => c.id)).not.toContain(chat.id);
    const detail = ChatDetailResponseSchema.parse((await http.get(bob, `/api/chats/${chat.id}`)).json());
    expect(detail.members).toHaveLength(2);
    expect(detail.chat.lastMessage?.body).toBe('classified');
  });

  it('[access] no such chat → 404; malformed id → 404, never 500; no credentials → 401', async () => {
    for (const id of [randomUUID(), 'not-a-uuid', "1' or '1'='1", 'x'.repeat(300)]) {
      const res = await http.get(alice, `/api/chats/${encodeURIComponent(id)}/messages`);
      expect(res.statusCode, id).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
    expect((await http.get(undefined, '/api/chats')).statusCode).toBe(401);
  });

  it('[access] edit by a non-author → 403; delete by owner/admin → ok; member removing others → 403', async () => {
    const chat = await create(alice, { title: 'Team', members: ['bob', 'mallory'] });
    const m = (await send(bob, chat.id, 'bob says')).json().message;
    expect(
      (await http.patch(alice, `/api/chats/${chat.id}/messages/${m.id}`, { body: 'x' })).statusCode,
    ).toBe(403);
    expect((await http.del(mallory, `/api/chats/${chat.id}/messages/${m.id}`)).statusCode).toBe(403);
    expect((await http.del(alice, `/api/chats/${chat.id}/messages/${m.id}`)).statusCode).toBe(204);
    expect((await http.del(mallory, `/api/chats/${chat.id}/members/${bob.user.id}`)).statusCode).toBe(403);
    expect(
      (await http.post(mallory, `/api/chats/${chat.id}/members`, { username: 'alice' })).statusCode,
    ).toBe(403);
  });

  it('[direct] exactly one chat per pair, even when 10 first uses race', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2
          ? http.post(alice, '/api/chats/direct', { username: 'bob' })
          : http.post(bob, '/api/chats/direct', { username: 'ALICE' }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    expect(new Set(results.map((r) => r.json().chat.id)).size).toBe(1);
    const [forAlice] = await list(alice);
    const [forBob] = await list(bob);
    expect(forAlice).toMatchObject({ kind: 'direct', title: 'bob', visibility: 'private' });
    expect(forBob?.title).toBe('alice');
    expect((await http.post(alice, '/api/chats/direct', { username: 'alice' })).statusCode).toBe(400);
    expect((await http.post(alice, '/api/chats/direct', { username: 'ghost' })).statusCode).toBe(404);
    expect(
      (await http.post(alice, `/api/chats/${forAlice!.id}/members`, { username: 'mallory' })).statusCode,
    ).toBe(403);
  });

  it('[public] search by title treats ё as е, in any case, as message search does', async () => {
    await create(alice, { title: 'Ёжики в тумане', visibility: 'public' });
    await create(alice, { title: 'Елки-палки', visibility: 'public' });
    const titles = async (q: string) =>
      ((await http.get(mallory, `/api/chats/public?q=${encodeURIComponent(q)}`)).json().chats as Chat[]).map(
        (c) => c.title,
      );
    // Most Russian keyboards are typed without ё: either spelling finds either.
    for (const q of ['ежики', 'ЕЖИКИ', 'ёжики', 'Ёжики', 'в тумане'])
      expect(await titles(q), q).toEqual(['Ёжики в тумане']);
    for (const q of ['ёлки', 'ЁЛКИ', 'елки']) expect(await titles(q), q).toEqual(['Елки-палки']);
  });

  it('[public] search by title, preview without joining, join, then post', async () => {
    const lobby = await create(alice, { title: 'Lobby 100%', visibility: 'public' });
    await create(alice, { title: 'Hidden lobby', visibility: 'private' });
    await send(alice, lobby.id, 'welcome');
    const found = (await http.get(mallory, '/api/chats/public?q=lobby')).json().chats as Chat[];
    expect(found.map((c) => c.title)).toEqual(['Lobby 100%']);
    expect(found[0]).toMatchObject({ role: null, unreadCount: 0, lastSeq: 1 });
    expect((await http.get(mallory, '/api/chats/public?q=%25')).json().chats).toHaveLength(1);
    // Text Postgres cannot hold is the client's error, in the title and in the search alike.
    expect((await http.get(mallory, '/api/chats/public?q=a%00')).statusCode).toBe(400);
    expect((await http.post(alice, '/api/chats', { title: 'nul\u0000' })).statusCode).toBe(400);
    expect((await http.post(alice, '/api/chats', { title: 'half \uD83D' })).statusCode).toBe(400);
    expect((await http.get(mallory, `/api/chats/${lobby.id}/messages`)).statusCode).toBe(200);
    expect((await send(mallory, lobby.id)).statusCode).toBe(403);
    const joined = await http.post(mallory, `/api/chats/${lobby.id}/join`);
    // The chat's past is not unread to someone who just joined (#19 bug 3).
    expect(joined.json().chat).toMatchObject({ role: 'member', unreadCount: 0 });
    expect((await http.post(mallory, `/api/chats/${lobby.id}/join`)).statusCode).toBe(200);
    expect((await send(mallory, lobby.id)).statusCode).toBe(201);
    // In a public chat any member may add people.
    expect((await http.post(mallory, `/api/chats/${lobby.id}/members`, { username: 'bob' })).statusCode).toBe(
      201,
    );
    expect((await http.post(mallory, `/api/chats/${lobby.id}/members`, { username: 'bob' })).statusCode).toBe(
      409,
    );
  });

  it('[members] leave, remove by owner, and ownership passes on when the owner leaves', async () => {
    const chat = await create(alice, { title: 'Team', members: ['bob', 'mallory'] });
    expect((await http.del(alice, `/api/chats/${chat.id}/members/${mallory.user.id}`)).statusCode).toBe(204);
    expect((await http.get(mallory, `/api/chats/${chat.id}`)).statusCode).toBe(403);
    expect((await http.del(alice, `/api/chats/${chat.id}/members/${alice.user.id}`)).statusCode).toBe(204);
    const detail = (await http.get(bob, `/api/chats/${chat.id}`)).json();
    expect(detail.members.map((m: { role: string }) => m.role)).toEqual(['owner']);
    expect((await http.del(bob, `/api/chats/${chat.id}/members/${randomUUID()}`)).statusCode).toBe(404);
  });

  it('[members] the last member leaving a group deletes it: no one could manage it, and no joiner inherits it', async () => {
    const square = await create(alice, { title: 'Square', visibility: 'public' });
    await send(alice, square.id, 'history');
    const hideout = await create(bob, { title: 'Hideout' });
    expect((await http.del(alice, `/api/chats/${square.id}/members/${alice.user.id}`)).statusCode).toBe(204);
    expect((await http.del(bob, `/api/chats/${hideout.id}/members/${bob.user.id}`)).statusCode).toBe(204);
    expect((await http.get(mallory, `/api/chats/${square.id}`)).statusCode).toBe(404);
    expect((await http.post(mallory, `/api/chats/${square.id}/join`)).statusCode).toBe(404);
    expect((await http.get(bob, `/api/chats/${hideout.id}`)).statusCode).toBe(404);
    expect(await list(alice)).toEqual([]);
    expect(await list(bob)).toEqual([]);
  });

  it('[roles] the owner appoints an admin, who may then remove members but not change roles', async () => {
    const carol = await registerUser(t.app, 'carol');
    const chat = await create(alice, { title: 'Team', members: ['bob', 'mallory', 'carol'] });
    const promote = await http.patch(alice, `/api/chats/${chat.id}/members/${bob.user.id}`, {
      role: 'admin',
    });
    expect(promote.statusCode).toBe(200);
    expect(promote.json().member).toMatchObject({ role: 'admin', user: { username: 'bob' } });
    expect(
      (await http.patch(bob, `/api/chats/${chat.id}/members/${mallory.user.id}`, { role: 'admin' }))
        .statusCode,
    ).toBe(403);
    expect(
      (await http.patch(alice, `/api/chats/${chat.id}/members/${alice.user.id}`, { role: 'member' }))
        .statusCode,
    ).toBe(403);
    expect(
      (await http.patch(alice, `/api/chats/${chat.id}/members/${bob.user.id}`, { role: 'owner' })).statusCode,
    ).toBe(400);
    expect(
      (await http.patch(alice, `/api/chats/${chat.id}/members/${randomUUID()}`, { role: 'admin' }))
        .statusCode,
    ).toBe(404);
    expect((await http.del(bob, `/api/chats/${chat.id}/members/${mallory.user.id}`)).statusCode).toBe(204);
    expect((await http.del(bob, `/api/chats/${chat.id}/members/${alice.user.id}`)).statusCode).toBe(403);
    const m = (await send(carol, chat.id, 'by carol')).json().message;
    expect((await http.del(bob, `/api/chats/${chat.id}/messages/${m.id}`)).statusCode).toBe(204);
    await http.patch(alice, `/api/chats/${chat.id}/members/${bob.user.id}`, { role: 'member' });
    expect((await http.del(bob, `/api/chats/${chat.id}/members/${carol.user.id}`)).statusCode).toBe(403);
  });

  it('[roles race] decided under the chat lock: a repeated role change answers 200 each time; an owner who leaves meanwhile changes no role and removes no one after leaving', async () => {
    const chat = await create(alice, { title: 'Team', members: ['bob', 'mallory'] });
    const member = `/api/chats/${chat.id}/members`;
    const repeats = await Promise.all(
      Array.from({ length: 8 }, () => http.patch(alice, `${member}/${bob.user.id}`, { role: 'admin' })),
    );
    for (const res of repeats) {
      expect(res.statusCode, res.body).toBe(200);
      expect(MemberResponseSchema.parse(res.json()).member.role).toBe('admin');
    }
    // One change, one rev.
    const before = ChatDetailResponseSchema.parse((await http.get(alice, `/api/chats/${chat.id}`)).json());
    expect(before.chat.rev).toBe(chat.rev + 1);

    // Alice leaves (bob, the admin, inherits) while her demotion of bob and removal of mallory,
    // checked while she may still be the owner, are on their way; each order of arrival once.
    for (const order of [
      ['leave', 'demote', 'remove'],
      ['demote', 'leave', 'remove'],
      ['remove', 'demote', 'leave'],
    ] as const) {
      const team = await create(alice, { title: 'Team', members: ['bob', 'mallory'] });
      const members = `/api/chats/${team.id}/members`;
      await http.patch(alice, `${members}/${bob.user.id}`, { role: 'admin' });
      const requests = {
        leave: () => http.del(alice, `${members}/${alice.user.id}`),
        demote: () => http.patch(alice, `${members}/${bob.user.id}`, { role: 'member' }),
        remove: () => http.del(alice, `${members}/${mallory.user.id}`),
      };
      const answers = await Promise.all(order.map((what) => requests[what]()));
      const [left, demoted, removed] = (['leave', 'demote', 'remove'] as const).map(
        (what) => answers[order.indexOf(what)]!,
      );
      expect(left!.statusCode).toBe(204);
      expect([200, 403], demoted!.body).toContain(demoted!.statusCode);
      const log = ChangesResponseSchema.parse((await http.get(bob, `/api/chats/${team.id}/changes`)).json());
      const leftAt = (id: string) => log.changes.find((c) => c.type === 'left' && c.user.id === id)?.rev;
      // A removal went through before she left, or was refused.
      if (removed!.statusCode === 204) expect(leftAt(mallory.user.id)).toBeLessThan(leftAt(alice.user.id)!);
      else expect([removed!.statusCode, leftAt(mallory.user.id)], removed!.body).toEqual([403, undefined]);
      // The chat always keeps exactly one owner: her heir is never demoted by her.
      const after = ChatDetailResponseSchema.parse((await http.get(bob, `/api/chats/${team.id}`)).json());
      expect(
        after.members.filter((m) => m.role === 'owner'),
        order.join(' '),
      ).toHaveLength(1);
    }
  });

  it('[lock race] a member removed meanwhile edits, deletes, pins, reacts to and adds no one after their departure', async () => {
    const carol = await registerUser(t.app, 'carol');
    const leftAt = async (chatId: string, userId: string) => {
      const log = ChangesResponseSchema.parse((await http.get(bob, `/api/chats/${chatId}/changes`)).json());
      const left = log.changes.find((c) => c.type === 'left' && c.user.id === userId)!.rev;
      return { left, log };
    };
    for (const departureFirst of [true, false]) {
      const inOrder = <T>(departure: () => Promise<T>, ...rest: Array<() => Promise<T>>) =>
        departureFirst
          ? Promise.all([departure(), ...rest.map((f) => f())])
          : Promise.all([...rest.map((f) => f()), departure()]).then((r) => [r.at(-1)!, ...r.slice(0, -1)]);

      // Carol, an admin, is removed while she edits and deletes her messages, pins and reacts.
      const chat = await create(alice, { title: 'Team', members: ['bob', 'carol'] });
      await http.patch(alice, `/api/chats/${chat.id}/members/${carol.user.id}`, { role: 'admin' });
      const edited = (await send(carol, chat.id, 'to edit')).json().message.id as string;
      const deleted = (await send(carol, chat.id, 'to delete')).json().message.id as string;
      const target = (await send(bob, chat.id, 'to pin and react to')).json().message.id as string;
      const messages = `/api/chats/${chat.id}/messages`;
      const answers = await inOrder(
        () => http.del(alice, `/api/chats/${chat.id}/members/${carol.user.id}`),
        () => http.patch(carol, `${messages}/${edited}`, { body: 'edited' }),
        () => http.del(carol, `${messages}/${deleted}`),
        () => http.put(carol, `${messages}/${target}/pin`),
        () => http.put(carol, `${messages}/${target}/reactions/${encodeURIComponent('👍')}`),
        () => http.post(carol, `/api/chats/${chat.id}/members`, { username: 'mallory' }),
        () => http.post(carol, `/api/chats/${chat.id}/invites`, {}),
      );
      expect(answers[0]!.statusCode).toBe(204);
      for (const res of answers.slice(1)) expect([200, 201, 204, 403], res.body).toContain(res.statusCode);
      const { left, log } = await leftAt(chat.id, carol.user.id);
      for (const id of [edited, deleted, target]) {
        const change = log.changes.find((c) => c.type === 'message' && c.message.id === id);
        // Each of her changes took a rev before her departure's, or was refused.
        if (change?.type === 'message')
          expect(change.message.rev, `${id} changed after she left`).toBeLessThan(left);
      }
      // Nor did she add anyone to the private chat once she was out of it.
      const added = log.changes.find((c) => c.type === 'member' && c.member.user.id === mallory.user.id);
      if (added) expect(added.rev, 'mallory added after carol left').toBeLessThan(left);
    }
  });

  it('[unread] counts across several users and chats after sends, reads and deletes', async () => {
    const a = await create(alice, { title: 'A', members: ['bob', 'mallory'] });
    const b = await create(bob, { title: 'B', members: ['alice'] });
    for (let i = 0; i < 5; i++) await send(alice, a.id);
    for (let i = 0; i < 3; i++) await send(bob, b.id);
    const unread = async (u: TestUser) =>
      Object.fromEntries((await list(u)).map((c) => [c.title, c.unreadCount]));
    expect(await unread(alice)).toEqual({ A: 0, B: 3 }); // own messages count as read
    expect(await unread(bob)).toEqual({ A: 5, B: 0 });
    expect(await unread(mallory)).toEqual({ A: 5 });
    await http.post(bob, `/api/chats/${a.id}/read`, { seq: 3 });
    await http.post(bob, `/api/chats/${a.id}/read`, { seq: 1 }); // only forward
    expect(await unread(bob)).toEqual({ A: 2, B: 0 });
    await http.post(mallory, `/api/chats/${a.id}/read`, { seq: 999 }); // never past lastSeq
    expect(await unread(mallory)).toEqual({ A: 0 });
    await send(alice, a.id);
    expect(await unread(mallory)).toEqual({ A: 1 });
    const last = (await http.get(alice, `/api/chats/${a.id}/messages?limit=1`)).json().messages[0];
    await http.del(alice, `/api/chats/${a.id}/messages/${last.id}`);
    // A deleted message keeps its seq but is not unread (PROTOCOL.md › Chats: `unreadCount`).
    expect(await unread(mallory)).toEqual({ A: 0 });
    await send(bob, a.id); // sending moves bob's own marker to the newest seq
    expect(await unread(bob)).toEqual({ A: 0, B: 0 });
    expect(
      (await http.get(mallory, `/api/chats/${a.id}`))
        .json()
        .members.find((m: { user: { username: string } }) => m.user.username === 'mallory').readSeq,
    ).toBe(5);
  });

  it('[list] most recent activity first, with lastMessage, lastSeq and role', async () => {
    const one = await create(alice, { title: 'one', members: ['bob'] });
    const two = await create(alice, { title: 'two', members: ['bob'] });
    await send(bob, one.id, 'latest in one');
    let chats = await list(alice);
    expect(chats.map((c) => c.title)).toEqual(['one', 'two']);
    expect(chats[0]).toMatchObject({
      lastSeq: 1,
      role: 'owner',
      lastMessage: { body: 'latest in one', author: { username: 'bob' } },
    });
    await send(bob, two.id);
    chats = await list(alice);
    expect(chats.map((c) => c.title)).toEqual(['two', 'one']);
  });
});
