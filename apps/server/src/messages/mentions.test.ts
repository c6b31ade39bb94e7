import { randomUUID } from 'node:crypto';
import { type Chat, ChatSchema, can, MessageResponseSchema } from '@chatsockets/protocol';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser, type TestUser } from '../../test/factories.js';
import { client } from '../../test/http.js';
import { WsClient } from '../../test/ws-client.js';
import { rowsOf } from '../db/ids.js';

// docs/PROTOCOL.md › Mentions: `<@id>` tokens in the body, checked by the server, counted per
// reader until their marker passes them.
describe.each(drivers())('mentions on %s', (driver) => {
  let t: TestContext;
  let url: string;
  const http = client(() => t.app);
  let owner: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let stranger: TestUser;
  let chatId: string;
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    t = await buildTestApp(driver);
    url = await t.listen();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    owner = await registerUser(t.app, 'owner');
    bob = await registerUser(t.app, 'bob');
    carol = await registerUser(t.app, 'carol');
    stranger = await registerUser(t.app, 'stranger');
    chatId = (await http.post(owner, '/api/chats', { title: 'Room', members: ['bob', 'carol'] })).json().chat
      .id;
  });
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
    await t.truncate();
  });

  const send = (user: TestUser, body: string, clientId = randomUUID()) =>
    http.post(user, `/api/chats/${chatId}/messages`, { clientId, body });
  const edit = (user: TestUser, messageId: string, body: string) =>
    http.patch(user, `/api/chats/${chatId}/messages/${messageId}`, { body });
  const chatOf = async (user: TestUser): Promise<Chat> =>
    ChatSchema.parse((await http.get(user, `/api/chats/${chatId}`)).json().chat);
  const listed = async (user: TestUser): Promise<Chat> =>
    ChatSchema.parse((await http.get(user, '/api/chats')).json().chats.find((c: Chat) => c.id === chatId));
  const mentionsOfBob = async () => {
    const [detail, list] = [await chatOf(bob), await listed(bob)];
    expect(list.unreadMentionCount).toBe(detail.unreadMentionCount);
    expect(list.unreadMentionSeqs).toEqual(detail.unreadMentionSeqs);
    return { count: detail.unreadMentionCount, seqs: detail.unreadMentionSeqs };
  };
  const messageCount = async () =>
    Number(
      rowsOf<{ n: number }>(
        await t.database.db.execute(sql`select count(*)::int as n from messages where chat_id = ${chatId}`),
      )[0]!.n,
    );

  it('[mentions] ids in the body come back as Message.mentions, lower-cased, whatever the case sent', async () => {
    const res = await send(owner, `hi <@${bob.user.id.toUpperCase()}> and <@${carol.user.id}>`);
    expect(res.statusCode).toBe(201);
    const { message } = MessageResponseSchema.parse(res.json());
    expect(message.mentions).toEqual([bob.user.id, carol.user.id]);
    // The body is stored verbatim; the upper-case token still counts for bob.
    expect(message.body).toContain(bob.user.id.toUpperCase());
    expect(await mentionsOfBob()).toEqual({ count: 1, seqs: [message.seq] });
    const page = (await http.get(bob, `/api/chats/${chatId}/messages`)).json();
    expect(page.messages[0].mentions).toEqual([bob.user.id, carol.user.id]);
  });

  it('[mentions] a mention of a non-member (or of no one) is 400 with details, on HTTP and WS, and writes nothing', async () => {
    for (const who of [stranger.user.id, 'not-an-id', randomUUID()]) {
      const res = await send(bob, `hey <@${who}>`);
      expect(res.statusCode, who).toBe(400);
      expect(res.json().error).toMatchObject({
        code: 'BAD_REQUEST',
        details: [{ path: 'body', message: `<@${who.toLowerCase()}> is not a member of this chat` }],
      });
    }
    const ws = await WsClient.connect(url, { token: bob.token });
    sockets.push(ws);
    const reply = await ws.request({
      type: 'message.send',
      chatId,
      clientId: randomUUID(),
      body: `<@${stranger.user.id}>`,
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await messageCount()).toBe(0);
    const chat = await chatOf(bob);
    expect(chat.lastSeq).toBe(0);
    expect(chat.rev).toBe(3);
    // A huge body of tokens: one clear 400, ten details.
    const many = Array.from({ length: 500 }, (_, i) => `<@x${i}>`).join('');
    const huge = await send(bob, many);
    expect(huge.statusCode).toBe(400);
    expect(huge.json().error.details).toHaveLength(10);
    // A stranger cannot post at all: 403 first, whatever they mention.
    expect((await send(stranger, `<@${bob.user.id}>`)).statusCode).toBe(403);
  });

  it('[mentions] @all: only owners and admins (capability mention-all), counted for every other member', async () => {
    expect(can(await chatOf(owner), 'mention-all')).toBe(true);
    expect(can(await chatOf(bob), 'mention-all')).toBe(false);
    const refused = await send(bob, 'attention <@all>');
    expect(refused.statusCode).toBe(403);
    expect(await messageCount()).toBe(0);

    await http.patch(owner, `/api/chats/${chatId}/members/${bob.user.id}`, { role: 'admin' });
    expect(can(await chatOf(bob), 'mention-all')).toBe(true);
    const ok = await send(bob, 'attention <@ALL>');
    expect(ok.statusCode).toBe(201);
    expect(ok.json().message.mentions).toEqual(['all']);
    expect((await chatOf(owner)).unreadMentionCount).toBe(1);
    expect((await chatOf(carol)).unreadMentionCount).toBe(1);
    // Not your own.
    expect((await chatOf(bob)).unreadMentionCount).toBe(0);

    // Direct chats have no managers: nobody may @all there.
    const direct = (await http.post(owner, '/api/chats/direct', { username: bob.user.username })).json().chat;
    expect(can(direct, 'mention-all')).toBe(false);
    const inDirect = await http.post(owner, `/api/chats/${direct.id}/messages`, {
      clientId: randomUUID(),
      body: '<@all>',
    });
    expect(inDirect.statusCode).toBe(403);
  });

  it('[mentions] the unread count follows reads, edits and deletes exactly', async () => {
    const m1 = (await send(owner, `one <@${bob.user.id}>`)).json().message;
    await send(owner, 'no mention');
    const m3 = (await send(carol, `three <@${bob.user.id}>`)).json().message;
    const m4 = (await send(owner, 'four, later edited')).json().message;
    expect(await mentionsOfBob()).toEqual({ count: 2, seqs: [m1.seq, m3.seq] });

    // An edit that adds a mention counts; one that removes it uncounts.
    expect((await edit(owner, m4.id, `four <@${bob.user.id}>`)).statusCode).toBe(200);
    expect(await mentionsOfBob()).toEqual({ count: 3, seqs: [m1.seq, m3.seq, m4.seq] });
    expect((await edit(carol, m3.id, 'three, no longer')).json().message.mentions).toEqual([]);
    expect(await mentionsOfBob()).toEqual({ count: 2, seqs: [m1.seq, m4.seq] });

    // Reading past one drops it; deleting another drops it.
    expect((await http.post(bob, `/api/chats/${chatId}/read`, { seq: m1.seq })).statusCode).toBe(204);
    expect(await mentionsOfBob()).toEqual({ count: 1, seqs: [m4.seq] });
    expect((await http.del(owner, `/api/chats/${chatId}/messages/${m4.id}`)).statusCode).toBe(204);
    expect(await mentionsOfBob()).toEqual({ count: 0, seqs: [] });

    // Bob's own send moves his marker past everything before it.
    await send(owner, `again <@${bob.user.id}>`);
    expect((await mentionsOfBob()).count).toBe(1);
    await send(bob, 'read it');
    expect((await mentionsOfBob()).count).toBe(0);
  });

  it('[mentions] an edit may keep a mention of someone who left, not add one; a repeat send answers the stored message', async () => {
    const clientId = randomUUID();
    const m = (await send(owner, `hi <@${carol.user.id}>`, clientId)).json().message;
    expect((await http.del(carol, `/api/chats/${chatId}/members/${carol.user.id}`)).statusCode).toBe(204);
    const kept = await edit(owner, m.id, `hello <@${carol.user.id}>`);
    expect(kept.statusCode).toBe(200);
    expect(kept.json().message.mentions).toEqual([carol.user.id]);
    // The outbox's resend of the first send: the stored message, not a 400.
    const again = await send(owner, `hi <@${carol.user.id}>`, clientId);
    expect(again.statusCode).toBe(200);
    expect(again.json().message.id).toBe(m.id);

    const before = (await chatOf(owner)).rev;
    const added = await edit(owner, m.id, `hello <@${carol.user.id}> <@${stranger.user.id}>`);
    expect(added.statusCode).toBe(400);
    const after = await chatOf(owner);
    expect(after.rev).toBe(before);
    expect(after.lastMessage?.body).toBe(`hello <@${carol.user.id}>`);
  });

  it('[mentions] Postgres derives the same mentions as the protocol package', async () => {
    // The column is read only by `&&` and cardinality() (drizzle/0014): the same set, repeats allowed.
    const bodies = [
      `<@${bob.user.id.toUpperCase()}> <@${bob.user.id}> <@all>`,
      `\`<@${bob.user.id}>\` <@<@${carol.user.id}>>`,
      '@bob <bob> <@ bob> <@> <@a.b>',
      '',
      'plain text',
      '<@',
      'a<@x_y-1>b<@X_Y-1>',
      'line\n<@Zz>\n',
      `<@${'a'.repeat(64)}> <@${'b'.repeat(65)}>`,
      '<@ä> <@ok> 🙂<@e>',
      '<@a><@b><@c>',
      '<<@@a>>',
    ];
    const { mentionsOf } = await import('@chatsockets/protocol');
    for (const body of bodies) {
      const rows = rowsOf<{ m: string[] }>(
        await t.database.db.execute(sql`select message_mentions(${body}) as m`),
      );
      expect(new Set(rows[0]!.m), JSON.stringify(body)).toEqual(new Set(mentionsOf(body)));
    }
  });
});
