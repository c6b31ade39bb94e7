import { randomUUID } from 'node:crypto';
import { type Chat, ChatDetailResponseSchema, ChatListPageSchema, type Message } from '@chatsockets/protocol';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser, type TestUser } from '../../test/factories.js';
import { client } from '../../test/http.js';

// PROTOCOL.md › Chats: `unreadCount` and `lastMessage`: deleted messages are not unread, and the
// preview is the newest message that is not deleted.
describe.each(drivers())('deleted messages in the chat list on %s', (driver) => {
  let t: TestContext;
  const http = client(() => t.app);
  let alice: TestUser;
  let bob: TestUser;
  let chatId: string;

  beforeAll(async () => {
    t = await buildTestApp(driver);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    [alice, bob] = await Promise.all([registerUser(t.app, 'alice'), registerUser(t.app, 'bob')]);
    chatId = ((await http.post(alice, '/api/chats', { title: 'T', members: ['bob'] })).json().chat as Chat)
      .id;
  });
  afterEach(() => t.truncate());

  const send = async (user: TestUser, body: string) => {
    const res = await http.post(user, `/api/chats/${chatId}/messages`, { clientId: randomUUID(), body });
    expect(res.statusCode).toBe(201);
    return res.json().message as Message;
  };
  const del = async (user: TestUser, m: Message) =>
    expect((await http.del(user, `/api/chats/${chatId}/messages/${m.id}`)).statusCode).toBe(204);
  const read = async (user: TestUser, seq: number) =>
    expect((await http.post(user, `/api/chats/${chatId}/read`, { seq })).statusCode).toBe(204);
  /** The chat as `user` sees it, from the list and the single-chat read, which must agree. */
  const chatOf = async (user: TestUser) => {
    const listed = ChatListPageSchema.parse((await http.get(user, '/api/chats')).json()).chats.find(
      (c) => c.id === chatId,
    )!;
    const { chat } = ChatDetailResponseSchema.parse((await http.get(user, `/api/chats/${chatId}`)).json());
    expect(listed).toEqual(chat);
    return chat;
  };
  const mention = () => `<@${alice.user.id}> look`;

  it('[unread] the deleted last message is neither unread nor the preview; lastSeq stays', async () => {
    const m1 = await send(bob, mention());
    const m2 = await send(bob, mention());
    const m3 = await send(bob, 'three');
    await del(bob, m3);
    const chat = await chatOf(alice);
    expect(chat).toMatchObject({ lastSeq: 3, unreadCount: 2, unreadMentionCount: 2 });
    expect(chat.unreadMentionSeqs).toEqual([m1.seq, m2.seq]);
    expect(chat.lastMessage).toMatchObject({ id: m2.id, seq: 2, deletedAt: null, body: mention() });
  });

  it('[unread] a deleted middle message is not unread; the preview stays the last one', async () => {
    await send(bob, 'one');
    const m2 = await send(bob, mention());
    const m3 = await send(bob, 'three');
    await del(bob, m2);
    const chat = await chatOf(alice);
    expect(chat).toMatchObject({ lastSeq: 3, unreadCount: 2, unreadMentionCount: 0, unreadMentionSeqs: [] });
    expect(chat.lastMessage).toMatchObject({ id: m3.id });
  });

  it('[unread] deleting a message already read changes nothing; unread counts after the marker', async () => {
    const m1 = await send(bob, 'one');
    const m2 = await send(bob, 'two');
    await send(bob, 'three');
    await send(bob, 'four');
    await read(alice, 2);
    await del(bob, m1);
    expect(await chatOf(alice)).toMatchObject({ lastSeq: 4, unreadCount: 2, readSeq: 2 });
    // The marker on a deleted message: what follows it still counts, the deletion itself not.
    await del(bob, m2);
    expect(await chatOf(alice)).toMatchObject({ lastSeq: 4, unreadCount: 2, readSeq: 2 });
    await read(alice, 3);
    expect(await chatOf(alice)).toMatchObject({ unreadCount: 1, readSeq: 3 });
    // Bob's own sends moved his marker to his last one.
    expect(await chatOf(bob)).toMatchObject({ unreadCount: 0, readSeq: 4 });
  });

  it('[unread] the reader’s own messages stay read; a deleted one of theirs changes nothing', async () => {
    await send(bob, 'one');
    const mine = await send(alice, 'mine');
    await send(bob, 'three');
    expect(await chatOf(alice)).toMatchObject({ unreadCount: 1 });
    await del(alice, mine);
    const chat = await chatOf(alice);
    expect(chat).toMatchObject({ lastSeq: 3, unreadCount: 1, lastMessage: { seq: 3 } });
    expect((await chatOf(bob)).unreadCount).toBe(0);
  });

  it('[lastMessage] falls back past several deleted ones, and is null when all are deleted', async () => {
    const m1 = await send(bob, 'one');
    const m2 = await send(bob, 'two');
    const m3 = await send(alice, 'three');
    await del(bob, m2);
    await del(alice, m3);
    // Alice's send moved her marker to 3; bob's is at 2, and 3 is deleted.
    let chat = await chatOf(alice);
    expect(chat).toMatchObject({ lastSeq: 3, unreadCount: 0, lastMessage: { id: m1.id } });
    expect(await chatOf(bob)).toMatchObject({ unreadCount: 0, lastMessage: { id: m1.id } });
    await del(bob, m1);
    chat = await chatOf(alice);
    expect(chat).toMatchObject({ lastSeq: 3, unreadCount: 0, lastMessage: null, unreadMentionCount: 0 });
    // A new message after them all: counted, and the preview again.
    const m4 = await send(bob, 'four');
    expect(await chatOf(alice)).toMatchObject({ lastSeq: 4, unreadCount: 1, lastMessage: { id: m4.id } });
  });

  it('[order] the list is by last activity, which a send moves and a delete does not; lastActivityAt says it', async () => {
    const other = (
      (await http.post(bob, '/api/chats', { title: 'Other', members: ['alice'] })).json().chat as Chat
    ).id;
    const m1 = await send(bob, 'one');
    const order = async () => {
      const { chats } = ChatListPageSchema.parse((await http.get(alice, '/api/chats')).json());
      return chats.filter((c) => c.id === chatId || c.id === other);
    };
    let [first, second] = await order();
    expect([first!.id, second!.id]).toEqual([chatId, other]);
    expect(first!.lastActivityAt).toBe(m1.createdAt);
    // The newest message deleted: the preview falls back to none, the place and the time stay.
    await del(bob, m1);
    [first, second] = await order();
    expect(first).toMatchObject({ id: chatId, lastMessage: null, lastActivityAt: m1.createdAt });
    expect(Date.parse(second!.lastActivityAt)).toBeLessThanOrEqual(Date.parse(m1.createdAt));
  });

  it('[order] chats active in the same millisecond are in id order, as a client sorting by lastActivityAt puts them, on every page', async () => {
    const ids = [chatId];
    for (const title of ['B', 'C'])
      ids.push(((await http.post(alice, '/api/chats', { title })).json().chat as Chat).id);
    // One millisecond, the microseconds against the ids' order: the highest id the earliest.
    const sorted = [...ids].sort();
    for (const [i, id] of sorted.entries()) {
      await t.database.db.execute(
        sql`update chats set last_activity_at = ${`2031-01-01T00:00:00.123${9 - i}00Z`}::timestamptz where id = ${id}`,
      );
    }
    const expected = [...sorted].reverse();
    const { chats } = ChatListPageSchema.parse((await http.get(alice, '/api/chats')).json());
    expect(chats.map((c) => c.id)).toEqual(expected);
    expect(new Set(chats.map((c) => c.lastActivityAt))).toEqual(new Set(['2031-01-01T00:00:00.123Z']));
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page = ChatListPageSchema.parse(
        (await http.get(alice, `/api/chats?limit=1${cursor ? `&cursor=${cursor}` : ''}`)).json(),
      );
      paged.push(...page.chats.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(expected);
  });

  it('[unread] a non-member’s view of a public chat: no unread, the preview not deleted', async () => {
    const pub = (await http.post(alice, '/api/chats', { title: 'Pub', visibility: 'public' })).json()
      .chat as Chat;
    const m1 = (
      await http.post(alice, `/api/chats/${pub.id}/messages`, { clientId: randomUUID(), body: 'hi' })
    ).json().message as Message;
    const m2 = (
      await http.post(alice, `/api/chats/${pub.id}/messages`, { clientId: randomUUID(), body: 'bye' })
    ).json().message as Message;
    expect((await http.del(alice, `/api/chats/${pub.id}/messages/${m2.id}`)).statusCode).toBe(204);
    const { chat } = ChatDetailResponseSchema.parse((await http.get(bob, `/api/chats/${pub.id}`)).json());
    expect(chat).toMatchObject({
      role: null,
      unreadCount: 0,
      readSeq: 0,
      lastSeq: 2,
      lastMessage: { id: m1.id },
    });
    const found = (await http.get(bob, '/api/chats/public?q=Pub')).json().chats as Chat[];
    expect(found.find((c) => c.id === pub.id)).toMatchObject({ lastMessage: { id: m1.id } });
  });
});
