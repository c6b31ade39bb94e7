import { randomUUID } from 'node:crypto';
import {
  type Chat,
  ChatResponseSchema,
  InviteListResponseSchema,
  InvitePreviewResponseSchema,
  InviteResponseSchema,
} from '@chatsockets/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser, type TestUser, uniqueName } from '../../test/factories.js';
import { client } from '../../test/http.js';

describe.each(drivers())('invite links on %s', (driver) => {
  let t: TestContext;
  const http = client(() => t.app);
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let clock: number;

  beforeAll(async () => {
    t = await buildTestApp(driver);
    clock = Date.parse('2030-01-01T00:00:00Z');
    // The invites' clock is the app's injectable one: expiry is tested by moving it.
    await t.rebuild({}, { now: () => new Date(clock) });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    clock = Date.parse('2030-01-01T00:00:00Z');
    [alice, bob, carol] = await Promise.all([
      registerUser(t.app, 'alice'),
      registerUser(t.app, 'bob'),
      registerUser(t.app, 'carol'),
    ]);
  });
  afterEach(() => t.truncate());

  const group = async () =>
    (await http.post(alice, '/api/chats', { title: 'Team', members: ['bob'] })).json().chat as Chat;
  const invite = async (chatId: string, body: object = {}, by = alice) => {
    const res = await http.post(by, `/api/chats/${chatId}/invites`, body);
    expect(res.statusCode, res.body).toBe(201);
    return InviteResponseSchema.parse(res.json()).invite;
  };
  const join = (user: TestUser, token: string) => http.post(user, `/api/invites/${token}/join`);

  it('[invite] owner makes a link; someone outside previews it and joins a private chat, once', async () => {
    const chat = await group();
    const link = await invite(chat.id, { maxUses: 5, expiresInSeconds: 3600 });
    expect(link).toMatchObject({
      chatId: chat.id,
      maxUses: 5,
      uses: 0,
      revokedAt: null,
      expiresAt: '2030-01-01T01:00:00.000Z',
      createdBy: { id: alice.user.id, username: 'alice' },
    });
    // 256 random bits, base64url.
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const preview = InvitePreviewResponseSchema.parse(
      (await http.get(carol, `/api/invites/${link.token}`)).json(),
    );
    expect(preview).toEqual({
      chat: { id: chat.id, title: 'Team', description: '', memberCount: 2 },
      member: false,
    });
    // The chat itself stays closed to carol until she joins.
    expect((await http.get(carol, `/api/chats/${chat.id}`)).statusCode).toBe(403);
    const joined = await join(carol, link.token);
    expect(joined.statusCode).toBe(200);
    expect(ChatResponseSchema.parse(joined.json()).chat).toMatchObject({
      id: chat.id,
      role: 'member',
      unreadCount: 0,
    });
    // Joining again costs the link nothing.
    expect((await join(carol, link.token)).statusCode).toBe(200);
    const [listed] = InviteListResponseSchema.parse(
      (await http.get(alice, `/api/chats/${chat.id}/invites`)).json(),
    ).invites;
    expect(listed!.uses).toBe(1);
    expect((await http.get(carol, `/api/invites/${link.token}`)).json().member).toBe(true);
    // Unauthenticated: 401, nothing said about the link.
    expect((await http.get(undefined, `/api/invites/${link.token}`)).statusCode).toBe(401);
  });

  it('[invite] both limits are optional, so a request with no body at all makes a link', async () => {
    const chat = await group();
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/chats/${chat.id}/invites`,
      headers: { authorization: `Bearer ${alice.token}` },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(InviteResponseSchema.parse(res.json()).invite).toMatchObject({ maxUses: null, expiresAt: null });
  });

  it('[invite] owners and admins manage links; members, outsiders and direct chats may not', async () => {
    const chat = await group();
    await http.post(alice, `/api/chats/${chat.id}/members`, { username: 'carol' });
    await http.patch(alice, `/api/chats/${chat.id}/members/${carol.user.id}`, { role: 'admin' });
    const byAdmin = await invite(chat.id, {}, carol);
    expect(byAdmin.createdBy.id).toBe(carol.user.id);
    const outsider = await registerUser(t.app, uniqueName('out'));
    const direct = (await http.post(alice, '/api/chats/direct', { username: 'bob' })).json().chat as Chat;
    const refused = [
      await http.post(bob, `/api/chats/${chat.id}/invites`, {}),
      await http.get(bob, `/api/chats/${chat.id}/invites`),
      await http.del(bob, `/api/chats/${chat.id}/invites/${byAdmin.id}`),
      await http.post(outsider, `/api/chats/${chat.id}/invites`, {}),
      await http.post(alice, `/api/chats/${direct.id}/invites`, {}),
    ];
    expect(refused.map((r) => r.statusCode)).toEqual([403, 403, 403, 403, 403]);
    const bad = [
      await http.post(alice, `/api/chats/${chat.id}/invites`, { maxUses: 0 }),
      await http.post(alice, `/api/chats/${chat.id}/invites`, { maxUses: 2 ** 31 }),
      await http.post(alice, `/api/chats/${chat.id}/invites`, { expiresInSeconds: 10 }),
      await http.post(alice, `/api/chats/${chat.id}/invites`, { uses: 3 }),
    ];
    expect(bad.map((r) => r.statusCode)).toEqual([400, 400, 400, 400]);
    expect((await http.post(alice, `/api/chats/${randomUUID()}/invites`, {})).statusCode).toBe(404);
    // Upper-case ids name the same chat and invite.
    expect(
      (await http.del(alice, `/api/chats/${chat.id.toUpperCase()}/invites/${byAdmin.id.toUpperCase()}`))
        .statusCode,
    ).toBe(204);
    // An invite of another chat is not found through this one.
    const other = (await http.post(alice, '/api/chats', { title: 'Other' })).json().chat as Chat;
    const elsewhere = await invite(other.id);
    expect((await http.del(alice, `/api/chats/${chat.id}/invites/${elsewhere.id}`)).statusCode).toBe(404);
    expect((await http.del(alice, `/api/chats/${chat.id}/invites/nope`)).statusCode).toBe(404);
  });

  it('[invite] revoked, expired (moved clock) and used-up links: 410 GONE with the reason; unknown: 404', async () => {
    const chat = await group();
    const revoked = await invite(chat.id);
    expect((await http.del(alice, `/api/chats/${chat.id}/invites/${revoked.id}`)).statusCode).toBe(204);
    expect((await http.del(alice, `/api/chats/${chat.id}/invites/${revoked.id}`)).statusCode).toBe(204);
    const expiring = await invite(chat.id, { expiresInSeconds: 60 });
    const once = await invite(chat.id, { maxUses: 1 });
    expect((await join(bob, once.token)).statusCode).toBe(200); // bob is a member: no use counted
    expect((await join(carol, once.token)).statusCode).toBe(200);
    clock += 60_000;

    const dave = await registerUser(t.app, 'dave');
    for (const [link, reason] of [
      [revoked, 'revoked'],
      [expiring, 'expired'],
      [once, 'used-up'],
    ] as const) {
      for (const res of [await join(dave, link.token), await http.get(dave, `/api/invites/${link.token}`)]) {
        expect(res.statusCode).toBe(410);
        expect(res.json().error).toMatchObject({
          code: 'GONE',
          details: [{ path: 'invite', message: reason }],
        });
      }
    }
    expect((await join(dave, 'x'.repeat(43))).statusCode).toBe(404);
    expect((await join(dave, 'x'.repeat(201))).statusCode).toBe(400);
    expect((await http.get(dave, `/api/chats/${chat.id}`)).statusCode).toBe(403);
    // A revoked link is no longer listed.
    const listed = InviteListResponseSchema.parse(
      (await http.get(alice, `/api/chats/${chat.id}/invites`)).json(),
    );
    expect(listed.invites.map((i) => i.id).sort()).toEqual([expiring.id, once.id].sort());
  });

  it('[invite] a token no link could have (NUL, spaces, non-ASCII) names nothing: 404 for preview and join, never a 500', async () => {
    for (const token of ['%00', `${'x'.repeat(20)}%00${'x'.repeat(22)}`, 'a%20b', '%D0%B6']) {
      for (const res of [await http.get(carol, `/api/invites/${token}`), await join(carol, token)]) {
        expect(res.statusCode, `${token}: ${res.body}`).toBe(404);
        expect(res.json().error.code).toBe('NOT_FOUND');
      }
    }
  });

  it('[invite race] 12 people join at once through a link with 5 uses: exactly 5 get in', async () => {
    const chat = await group();
    const link = await invite(chat.id, { maxUses: 5 });
    const people = await Promise.all(Array.from({ length: 12 }, () => registerUser(t.app, uniqueName('j'))));
    const results = await Promise.all(people.map((p) => join(p, link.token)));
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 200)).toHaveLength(5);
    expect(codes.filter((c) => c === 410)).toHaveLength(7);
    const detail = (await http.get(alice, `/api/chats/${chat.id}`)).json();
    expect(detail.members).toHaveLength(2 + 5);
    // Each join took one rev: the chat's rev moved by exactly 5.
    expect(detail.chat.rev).toBe(chat.rev + 5);
    const [listed] = InviteListResponseSchema.parse(
      (await http.get(alice, `/api/chats/${chat.id}/invites`)).json(),
    ).invites;
    expect(listed!.uses).toBe(5);
  });

  it('[ban] someone removed may not come back on their own (link or public join) until an owner or admin adds them', async () => {
    const chat = await group();
    const link = await invite(chat.id);
    expect((await http.del(alice, `/api/chats/${chat.id}/members/${bob.user.id}`)).statusCode).toBe(204);
    const refused = await join(bob, link.token);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('removed'),
    });
    // The refused join cost the link nothing; someone never removed still gets in.
    expect((await join(carol, link.token)).statusCode).toBe(200);
    const listed = InviteListResponseSchema.parse(
      (await http.get(alice, `/api/chats/${chat.id}/invites`)).json(),
    );
    expect(listed.invites.find((i) => i.token === link.token)?.uses).toBe(1);
    // A public chat's join button is no way back either.
    const square = (await http.post(alice, '/api/chats', { title: 'Square', visibility: 'public' })).json()
      .chat as Chat;
    expect((await http.post(bob, `/api/chats/${square.id}/join`)).statusCode).toBe(200);
    expect((await http.del(alice, `/api/chats/${square.id}/members/${bob.user.id}`)).statusCode).toBe(204);
    const again = await http.post(bob, `/api/chats/${square.id}/join`);
    expect(again.statusCode).toBe(403);
    expect(again.json().error.message).toContain('removed');
    // The server says so before he tries: no `join` among what he may do there, until added back.
    const seen = ChatResponseSchema.parse((await http.get(bob, `/api/chats/${square.id}`)).json()).chat;
    expect(seen.capabilities).toEqual(['read']);
    const found = (await http.get(bob, '/api/chats/public?q=Square')).json().chats as Chat[];
    expect(found.find((c) => c.id === square.id)?.capabilities).toEqual(['read']);
    expect((await http.post(alice, `/api/chats/${square.id}/members`, { username: 'bob' })).statusCode).toBe(
      201,
    );
    expect((await http.del(bob, `/api/chats/${square.id}/members/${bob.user.id}`)).statusCode).toBe(204);
    const free = ChatResponseSchema.parse((await http.get(bob, `/api/chats/${square.id}`)).json()).chat;
    expect(free.capabilities).toEqual(['read', 'join']);
    // An add by the owner lifts the ban: after that, leaving of his own accord bars nothing.
    expect((await http.post(alice, `/api/chats/${chat.id}/members`, { username: 'bob' })).statusCode).toBe(
      201,
    );
    expect((await http.del(bob, `/api/chats/${chat.id}/members/${bob.user.id}`)).statusCode).toBe(204);
    expect((await join(bob, link.token)).statusCode).toBe(200);
    // Carol left of her own accord: she may come back.
    expect((await http.del(carol, `/api/chats/${chat.id}/members/${carol.user.id}`)).statusCode).toBe(204);
    expect((await join(carol, link.token)).statusCode).toBe(200);
  });

  it('[ban] only an owner or admin lifts it; refused joins write nothing, not even a rev; the preview says so', async () => {
    const square = (
      await http.post(alice, '/api/chats', { title: 'Square', visibility: 'public', members: ['bob'] })
    ).json().chat as Chat;
    const link = await invite(square.id);
    expect((await http.del(alice, `/api/chats/${square.id}/members/${bob.user.id}`)).statusCode).toBe(204);
    const rev = async () =>
      ChatResponseSchema.parse((await http.get(alice, `/api/chats/${square.id}`)).json()).chat.rev;
    const before = await rev();
    for (let i = 0; i < 3; i++) {
      expect((await join(bob, link.token)).statusCode).toBe(403);
      expect((await http.post(bob, `/api/chats/${square.id}/join`)).statusCode).toBe(403);
    }
    expect(await rev()).toBe(before);
    const preview = await http.get(bob, `/api/invites/${link.token}`);
    expect(preview.statusCode).toBe(403);
    expect(preview.json().error.message).toContain('removed');
    // A plain member (anyone may join a public chat) cannot put him back, and the bar stays.
    expect((await http.post(carol, `/api/chats/${square.id}/join`)).statusCode).toBe(200);
    const byMember = await http.post(carol, `/api/chats/${square.id}/members`, { username: 'bob' });
    expect(byMember.statusCode).toBe(403);
    expect(byMember.json().error.message).toContain('removed');
    expect((await join(bob, link.token)).statusCode).toBe(403);
    // An admin can.
    await http.patch(alice, `/api/chats/${square.id}/members/${carol.user.id}`, { role: 'admin' });
    expect((await http.post(carol, `/api/chats/${square.id}/members`, { username: 'bob' })).statusCode).toBe(
      201,
    );
  });

  it('[invite limit] at most 100 live links a chat, even made at once; revoked, expired or used-up ones make room', async () => {
    const chat = await group();
    const first = await invite(chat.id, { expiresInSeconds: 60 });
    const once = await invite(chat.id, { maxUses: 1 });
    for (let i = 0; i < 93; i++) await invite(chat.id);
    // 95 live: ten at once, exactly five get one.
    const racing = await Promise.all(
      Array.from({ length: 10 }, () => http.post(alice, `/api/chats/${chat.id}/invites`, {})),
    );
    expect(racing.map((r) => r.statusCode).sort()).toEqual([...Array(5).fill(201), ...Array(5).fill(409)]);
    const refused = racing.find((r) => r.statusCode === 409)!;
    expect(refused.json().error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('100') });
    // Room comes from a revoked, an expired and a used-up link.
    const someLink = InviteResponseSchema.parse(racing.find((r) => r.statusCode === 201)!.json()).invite;
    expect((await http.del(alice, `/api/chats/${chat.id}/invites/${someLink.id}`)).statusCode).toBe(204);
    await invite(chat.id);
    expect((await http.post(alice, `/api/chats/${chat.id}/invites`, {})).statusCode).toBe(409);
    clock += 61_000;
    expect(first.expiresAt).not.toBeNull();
    await invite(chat.id);
    expect((await join(carol, once.token)).statusCode).toBe(200);
    await invite(chat.id);
    expect((await http.post(alice, `/api/chats/${chat.id}/invites`, {})).statusCode).toBe(409);
    // The list: every live link, and the dead ones still listed, newest first.
    const listed = InviteListResponseSchema.parse(
      (await http.get(alice, `/api/chats/${chat.id}/invites`)).json(),
    ).invites;
    expect(listed).toHaveLength(102);
    expect(listed.map((l) => l.id)).toContain(first.id);
    expect(listed.map((l) => l.createdAt)).toEqual(
      listed
        .map((l) => l.createdAt)
        .sort()
        .reverse(),
    );
  });

  it('[invite] deleting the chat kills its links (404)', async () => {
    const chat = await group();
    const link = await invite(chat.id);
    expect((await http.del(alice, `/api/chats/${chat.id}`)).statusCode).toBe(204);
    expect((await join(carol, link.token)).statusCode).toBe(404);
  });

  it('[invite] a link stops working when its maker may no longer invite: demoted, removed or gone', async () => {
    const chat = await group();
    const promote = (u: TestUser, role: 'admin' | 'member') =>
      http.patch(alice, `/api/chats/${chat.id}/members/${u.user.id}`, { role });
    expect((await promote(bob, 'admin')).statusCode).toBe(200);
    const bobs = await invite(chat.id, {}, bob);
    const alices = await invite(chat.id);
    expect((await promote(bob, 'member')).statusCode).toBe(200);
    // Bob's link is revoked with his right to make it; the owner's is untouched.
    const refused = await join(carol, bobs.token);
    expect(refused.statusCode).toBe(410);
    expect(refused.json().error.details).toEqual([{ path: 'invite', message: 'revoked' }]);
    expect((await http.get(carol, `/api/invites/${bobs.token}`)).statusCode).toBe(410);
    const listed = (await http.get(alice, `/api/chats/${chat.id}/invites`)).json().invites as Array<{
      id: string;
    }>;
    expect(listed.map((i) => i.id)).toEqual([alices.id]);
    // Made admin again, the old link stays dead; a new one works. Once he leaves, that one dies too.
    expect((await promote(bob, 'admin')).statusCode).toBe(200);
    expect((await join(carol, bobs.token)).statusCode).toBe(410);
    const again = await invite(chat.id, {}, bob);
    expect((await http.del(bob, `/api/chats/${chat.id}/members/${bob.user.id}`)).statusCode).toBe(204);
    expect((await join(carol, again.token)).statusCode).toBe(410);
    expect((await join(carol, alices.token)).statusCode).toBe(200);
  });
});
