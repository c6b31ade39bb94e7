import { randomUUID } from 'node:crypto';
import {
  ChangesResponseSchema,
  type Chat,
  ChatListPageSchema,
  ChatResponseSchema,
  SubscribeReplySchema,
} from '@chatsockets/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser, type TestUser } from '../../test/factories.js';
import { client } from '../../test/http.js';
import { WsClient } from '../../test/ws-client.js';

describe.each(drivers())('chat title, description and deletion on %s', (driver) => {
  let t: TestContext;
  let url: string;
  const http = client(() => t.app);
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    t = await buildTestApp(driver);
    url = await t.listen();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    [alice, bob, carol] = await Promise.all([
      registerUser(t.app, 'alice'),
      registerUser(t.app, 'bob'),
      registerUser(t.app, 'carol'),
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
  const group = async (members: string[] = ['bob'], visibility = 'private') =>
    (await http.post(alice, '/api/chats', { title: 'Team', members, visibility })).json().chat as Chat;

  it('[edit-info] the owner renames and describes: one rev each, live to subscribers, in the changes feed', async () => {
    const chat = await group();
    expect(chat.description).toBe('');
    expect(chat.capabilities).toEqual(expect.arrayContaining(['edit-info', 'delete-chat', 'invite']));
    const bobWs = await connect(bob);
    await bobWs.ok({ type: 'subscribe', chatId: chat.id });

    const renamed = await http.patch(alice, `/api/chats/${chat.id}`, { title: '  Plans  ' });
    expect(renamed.statusCode).toBe(200);
    const after = ChatResponseSchema.parse(renamed.json()).chat;
    expect(after).toMatchObject({ title: 'Plans', description: '', rev: chat.rev + 1 });
    expect(await bobWs.next((f) => f.type === 'chat.updated', undefined, true)).toEqual({
      type: 'chat.updated',
      chatId: chat.id,
      title: 'Plans',
      description: '',
      rev: chat.rev + 1,
    });

    const described = await http.patch(alice, `/api/chats/${chat.id.toUpperCase()}`, {
      description: 'Where we plan',
    });
    expect(described.json().chat).toMatchObject({
      title: 'Plans',
      description: 'Where we plan',
      rev: chat.rev + 2,
    });

    // The same values again change nothing and burn no rev.
    const same = await http.patch(alice, `/api/chats/${chat.id}`, {
      title: 'Plans',
      description: 'Where we plan',
    });
    expect(same.json().chat.rev).toBe(chat.rev + 2);

    // A client that was away learns the current title and description from the feed, once.
    const feed = ChangesResponseSchema.parse(
      (await http.get(bob, `/api/chats/${chat.id}/changes?afterRev=${chat.rev}`)).json(),
    );
    expect(feed.changes).toEqual([
      { type: 'chat', rev: chat.rev + 2, title: 'Plans', description: 'Where we plan' },
    ]);
    expect(feed.rev).toBe(chat.rev + 2);
    const carolWs = await connect(bob);
    const reply = SubscribeReplySchema.parse(
      await carolWs.ok({ type: 'subscribe', chatId: chat.id, afterRev: chat.rev + 1 }),
    );
    expect(reply.changes).toEqual(feed.changes);
    // And bob's list shows it.
    const list = ChatListPageSchema.parse((await http.get(bob, '/api/chats')).json());
    expect(list.chats[0]).toMatchObject({ title: 'Plans', description: 'Where we plan' });
    expect(list.chats[0]!.capabilities).not.toContain('edit-info');
  });

  it('[edit-info] only the owner of a group chat; bad input is a 400 and changes nothing', async () => {
    const chat = await group(['bob', 'carol']);
    await http.patch(alice, `/api/chats/${chat.id}/members/${carol.user.id}`, { role: 'admin' });
    const direct = (await http.post(alice, '/api/chats/direct', { username: 'bob' })).json().chat as Chat;
    const refused = [
      await http.patch(bob, `/api/chats/${chat.id}`, { title: 'mine' }),
      await http.patch(carol, `/api/chats/${chat.id}`, { title: 'admin' }),
      await http.patch(alice, `/api/chats/${direct.id}`, { title: 'dm' }),
    ];
    expect(refused.map((r) => r.statusCode)).toEqual([403, 403, 403]);
    const bad = [
      await http.patch(alice, `/api/chats/${chat.id}`, {}),
      await http.patch(alice, `/api/chats/${chat.id}`, { title: '   ' }),
      await http.patch(alice, `/api/chats/${chat.id}`, { title: 'x'.repeat(101) }),
      await http.patch(alice, `/api/chats/${chat.id}`, { description: 'x'.repeat(501) }),
      await http.patch(alice, `/api/chats/${chat.id}`, { description: 'a\u0000b' }),
      await http.patch(alice, `/api/chats/${chat.id}`, { title: 'ok', kind: 'direct' }),
      // As blank as spaces: zero-width and filler characters alone show no title.
      await http.patch(alice, `/api/chats/${chat.id}`, { title: '\u200B\u3164\u2800' }),
      await http.post(alice, '/api/chats', { title: '\u2060', members: ['bob'] }),
    ];
    expect(bad.map((r) => r.statusCode)).toEqual([400, 400, 400, 400, 400, 400, 400, 400]);
    expect(bad.every((r) => r.json().error.code === 'BAD_REQUEST')).toBe(true);
    expect((await http.patch(alice, `/api/chats/${randomUUID()}`, { title: 'x' })).statusCode).toBe(404);
    expect((await http.patch(alice, '/api/chats/not-an-id', { title: 'x' })).statusCode).toBe(404);
    const now = (await http.get(alice, `/api/chats/${chat.id}`)).json().chat;
    expect(now).toMatchObject({ title: 'Team', description: '', rev: chat.rev + 1 });
  });

  it('[edit-info] concurrent renames: each takes its own rev, the last committed wins everywhere', async () => {
    const chat = await group();
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((title) => http.patch(alice, `/api/chats/${chat.id}`, { title })),
    );
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    const feed = ChangesResponseSchema.parse(
      (await http.get(bob, `/api/chats/${chat.id}/changes?afterRev=${chat.rev}`)).json(),
    );
    const detail = (await http.get(bob, `/api/chats/${chat.id}`)).json().chat;
    expect(detail.rev).toBe(chat.rev + 4);
    expect(feed.changes).toEqual([{ type: 'chat', rev: chat.rev + 4, title: detail.title, description: '' }]);
  });

  it('[delete-chat] the owner deletes: members see chat.deleted live (subscribed or not), then 404 everywhere', async () => {
    const chat = await group(['bob', 'carol'], 'public');
    await http.post(alice, `/api/chats/${chat.id}/messages`, { clientId: randomUUID(), body: 'bye' });
    const bobWs = await connect(bob);
    await bobWs.ok({ type: 'subscribe', chatId: chat.id });
    const carolWs = await connect(carol); // not subscribed: learns through her own channel
    const mallory = await registerUser(t.app, 'mallory');
    const reader = await connect(mallory); // a public chat's reader, not a member
    await reader.ok({ type: 'subscribe', chatId: chat.id });

    expect((await http.del(bob, `/api/chats/${chat.id}`)).statusCode).toBe(403);
    const res = await http.del(alice, `/api/chats/${chat.id.toUpperCase()}`);
    expect(res.statusCode).toBe(204);
    const expected = { type: 'chat.deleted', chatId: chat.id };
    expect(await bobWs.next((f) => f.type === 'chat.deleted', undefined, true)).toEqual(expected);
    expect(await carolWs.next((f) => f.type === 'chat.deleted', undefined, true)).toEqual(expected);
    expect(await reader.next((f) => f.type === 'chat.deleted', undefined, true)).toEqual(expected);

    expect((await http.get(bob, `/api/chats/${chat.id}`)).statusCode).toBe(404);
    expect((await http.get(bob, `/api/chats/${chat.id}/changes`)).statusCode).toBe(404);
    expect(ChatListPageSchema.parse((await http.get(bob, '/api/chats')).json()).chats).toEqual([]);
    const resub = await bobWs.request({ type: 'subscribe', chatId: chat.id, afterRev: 0 });
    expect(resub.ok ? null : resub.error.code).toBe('NOT_FOUND');
    expect((await http.del(alice, `/api/chats/${chat.id}`)).statusCode).toBe(404);
    // The socket lives on: a message in another chat still arrives (the sentinel).
    const other = (await http.post(alice, '/api/chats', { title: 'Next', members: ['bob'] })).json().chat;
    await bobWs.ok({ type: 'subscribe', chatId: other.id });
    await http.post(alice, `/api/chats/${other.id}/messages`, { clientId: randomUUID(), body: 'still here' });
    await bobWs.next((f) => f.type === 'message.created', undefined, true);
    // Subscribed and a member: it may come on both channels (as member.* does); nothing else of the chat.
    expect(
      bobWs.frames
        .filter((f) => 'chatId' in f && f.chatId === chat.id)
        .every((f) => f.type === 'chat.deleted'),
    ).toBe(true);
  });

  it('[delete-chat] only the owner, only group chats', async () => {
    const chat = await group(['bob', 'carol']);
    await http.patch(alice, `/api/chats/${chat.id}/members/${carol.user.id}`, { role: 'admin' });
    const direct = (await http.post(bob, '/api/chats/direct', { username: 'alice' })).json().chat as Chat;
    expect((await http.del(carol, `/api/chats/${chat.id}`)).statusCode).toBe(403);
    expect((await http.del(alice, `/api/chats/${direct.id}`)).statusCode).toBe(403);
    expect((await http.del(alice, `/api/chats/${randomUUID()}`)).statusCode).toBe(404);
    expect((await http.get(bob, `/api/chats/${chat.id}`)).statusCode).toBe(200);
  });
});
