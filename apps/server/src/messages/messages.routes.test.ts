import { randomUUID } from 'node:crypto';
import { type Member, type Message, MessagePageSchema, MessageResponseSchema } from '@chatsockets/protocol';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser, type TestUser } from '../../test/factories.js';
import { gatedDb } from '../../test/gated-db.js';
import { client } from '../../test/http.js';
import { createChatsRepo } from '../chats/chats.repo.js';
import { rowsOf } from '../db/ids.js';
import type { BusMessage } from '../realtime/bus/bus.js';
import { createMemoryBus } from '../realtime/bus/memory.js';

describe.each(drivers())('messages on %s', (driver) => {
  let t: TestContext;
  const http = client(() => t.app);
  const published: BusMessage[] = [];
  let alice: TestUser;
  let bob: TestUser;
  let chatId: string;

  beforeAll(async () => {
    t = await buildTestApp(driver);
    const bus = createMemoryBus();
    bus.subscribe((m) => published.push(m));
    await t.rebuild({}, { bus });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    alice = await registerUser(t.app, 'alice');
    bob = await registerUser(t.app, 'bob');
    chatId = (await http.post(alice, '/api/chats', { title: 'Room', members: ['bob'] })).json().chat.id;
    published.length = 0;
  });
  afterEach(() => t.truncate());

  const send = (user: TestUser, body: string, clientId: string = randomUUID(), chat = chatId) =>
    http.post(user, `/api/chats/${chat}/messages`, { clientId, body });
  const seqsInDb = async (chat = chatId) =>
    rowsOf<{ seq: number }>(
      await t.database.db.execute(sql`select seq from messages where chat_id = ${chat} order by seq`),
    ).map((r) => Number(r.seq));

  it('[seq] stays gapless and unique under 50 concurrent sends; every acked message is stored', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => send(i % 2 ? alice : bob, `message ${i}`)),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(50).fill(201));
    const acked = results.map((r) => MessageResponseSchema.parse(r.json()).message);
    expect(acked.map((m) => m.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(await seqsInDb()).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const chat = (await http.get(alice, `/api/chats/${chatId}`)).json().chat;
    expect(chat.lastSeq).toBe(50);
  });

  it('[seq] a failure after the seq increment rolls back, and the next send reuses that seq', async () => {
    expect((await send(alice, 'one')).json().message.seq).toBe(1);
    // A real failure inside the send transaction, after chats.last_seq was bumped.
    await t.database.db.execute(
      sql.raw(`
      create or replace function fail_boom() returns trigger language plpgsql as $$
      begin if new.body = 'boom' then raise exception 'injected failure'; end if; return new; end $$`),
    );
    await t.database.db.execute(
      sql.raw('create trigger fail_boom before insert on messages for each row execute function fail_boom()'),
    );
    try {
      const failed = await send(alice, 'boom');
      expect(failed.statusCode).toBe(500);
      expect(failed.json()).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
      expect((await send(alice, 'two')).json().message.seq).toBe(2);
    } finally {
      await t.database.db.execute(sql.raw('drop trigger fail_boom on messages'));
      await t.database.db.execute(sql.raw('drop function fail_boom()'));
    }
    expect(await seqsInDb()).toEqual([1, 2]);
  });

  it('[clientId] the same clientId sent 20 times concurrently → 1 row, 1 seq, the same message', async () => {
    const clientId = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => send(alice, `try ${i}`, clientId)),
    );
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(19);
    const ids = new Set(results.map((r) => r.json().message.id));
    expect(ids.size).toBe(1);
    expect(await seqsInDb()).toEqual([1]);
    // A repeat burns no seq: the next message is 2.
    expect((await send(alice, 'next')).json().message.seq).toBe(2);
    // Repeats are re-published (to cover a publisher that died after COMMIT), always as the same message.
    const createdIds = published.flatMap((m) =>
      m.kind === 'chat' && m.event.type === 'message.created' ? [m.event.message.id] : [],
    );
    expect(new Set(createdIds).size).toBe(2);
  });

  it('[clientId] a repeat with another body returns the first message unchanged; another chat → new message', async () => {
    const clientId = randomUUID();
    const first = (await send(alice, 'original', clientId)).json().message as Message;
    const repeat = await send(alice, 'different', clientId);
    expect(repeat.statusCode).toBe(200);
    expect(repeat.json().message).toEqual(first);
    const other = (await http.post(alice, '/api/chats', { title: 'Other' })).json().chat.id;
    const elsewhere = await send(alice, 'original', clientId, other);
    expect(elsewhere.statusCode).toBe(201);
    expect(elsewhere.json().message.id).not.toBe(first.id);
    // And another author may use the same clientId in the same chat.
    expect((await send(bob, 'bob too', clientId)).statusCode).toBe(201);
  });

  it('[clientId] a retry of a stored reply answers it, though the original was deleted since or the retry names another', async () => {
    const original = (await send(bob, 'question')).json().message as Message;
    const clientId = randomUUID();
    const post = (replyToId: string) =>
      http.post(alice, `/api/chats/${chatId}/messages`, { clientId, body: 'answer', replyToId });
    const first = await post(original.id);
    expect(first.statusCode).toBe(201);
    // The ack was lost; meanwhile the original is deleted. The retry is the same message.
    expect((await http.del(bob, `/api/chats/${chatId}/messages/${original.id}`)).statusCode).toBe(204);
    const stored = (await http.get(alice, `/api/chats/${chatId}/messages`)).json().messages as Message[];
    const answer = stored.find((m) => m.id === first.json().message.id);
    for (const replyToId of [original.id, randomUUID(), 'not-an-id']) {
      const retry = await post(replyToId);
      expect(retry.statusCode).toBe(200);
      expect(retry.json().message).toEqual(answer);
    }
    expect(await seqsInDb()).toEqual([1, 2]);
  });

  it('[body] 1–4000 characters after trimming, stored verbatim; plain text', async () => {
    const padded = `  ${'x'.repeat(4000)}  `;
    const ok = await send(alice, padded);
    expect(ok.statusCode).toBe(201);
    expect(ok.json().message.body).toBe(padded);
    expect((await send(alice, 'x'.repeat(4001))).statusCode).toBe(400);
    expect((await send(alice, '   \n ')).json().error.code).toBe('BAD_REQUEST');
    const html = '<img src=x onerror=alert(1)>';
    expect((await send(alice, html)).json().message.body).toBe(html);
  });

  it('[body] text that cannot be stored as sent (NUL, unpaired surrogate) → 400 for send and edit, nothing stored', async () => {
    for (const body of ['a\u0000b', 'cut emoji \uD83D']) {
      const res = await send(alice, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'BAD_REQUEST', message: expect.any(String) });
    }
    expect(await seqsInDb()).toEqual([]);
    const m = (await send(alice, 'fine 😀')).json().message as Message;
    expect(m.body).toBe('fine 😀');
    const edit = await http.patch(alice, `/api/chats/${chatId}/messages/${m.id}`, { body: 'x\u0000' });
    expect(edit.statusCode).toBe(400);
    expect(await seqsInDb()).toEqual([1]);
  });

  it('[edit/delete] author edits; owner deletes; deleted keeps seq with body ""; events after commit', async () => {
    const m = (await send(bob, 'hello')).json().message as Message;
    const url = `/api/chats/${chatId}/messages/${m.id}`;
    expect((await http.patch(alice, url, { body: 'hijack' })).statusCode).toBe(403);
    const edited = await http.patch(bob, url, { body: 'hello, edited' });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().message).toMatchObject({ body: 'hello, edited', seq: m.seq });
    expect(edited.json().message.editedAt).not.toBeNull();
    expect((await http.del(alice, url)).statusCode).toBe(204); // alice owns the chat
    const page = MessagePageSchema.parse((await http.get(bob, `/api/chats/${chatId}/messages`)).json());
    expect(page.messages[0]).toMatchObject({ seq: m.seq, body: '' });
    expect(page.messages[0]?.deletedAt).not.toBeNull();
    expect((await http.patch(bob, url, { body: 'again' })).statusCode).toBe(409);
    const types = published.filter((p) => p.kind === 'chat').map((p) => p.kind === 'chat' && p.event.type);
    expect(types).toEqual(['message.created', 'message.updated', 'message.updated']);
  });

  it('[edit] an edit to the body the message already has changes nothing: not marked edited, no rev, no event', async () => {
    const m = (await send(bob, 'hello')).json().message as Message;
    const url = `/api/chats/${chatId}/messages/${m.id}`;
    const rev = async () =>
      Number(
        rowsOf<{ last_rev: number }>(
          await t.database.db.execute(sql`select last_rev from chats where id = ${chatId}`),
        )[0]!.last_rev,
      );
    const rev0 = await rev();
    published.length = 0;
    // "Save" with nothing changed, or a retry of an edit that did commit.
    const same = await http.patch(bob, url, { body: 'hello' });
    expect(same.statusCode).toBe(200);
    expect(same.json().message).toMatchObject({ id: m.id, body: 'hello', editedAt: null, rev: m.rev });
    expect(await rev()).toBe(rev0);
    const edited = (await http.patch(bob, url, { body: 'hello, edited' })).json().message as Message;
    const retry = await http.patch(bob, url, { body: 'hello, edited' });
    expect(retry.statusCode).toBe(200);
    expect(retry.json().message).toMatchObject({ editedAt: edited.editedAt, rev: edited.rev });
    expect(await rev()).toBe(rev0 + 1);
    expect(published.filter((p) => p.kind === 'chat').length).toBe(1);
    // Only the author may, all the same; and a deleted message is still a conflict.
    expect((await http.patch(alice, url, { body: 'hello, edited' })).statusCode).toBe(403);
    await http.del(bob, url);
    expect((await http.patch(bob, url, { body: '' })).statusCode).toBe(400);
    expect((await http.patch(bob, url, { body: 'hello, edited' })).statusCode).toBe(409);
  });

  it('[edit/delete] a member may not delete another member’s message; unknown ids are 404', async () => {
    const m = (await send(alice, 'mine')).json().message as Message;
    expect((await http.del(bob, `/api/chats/${chatId}/messages/${m.id}`)).statusCode).toBe(403);
    expect((await http.del(bob, `/api/chats/${chatId}/messages/${randomUUID()}`)).statusCode).toBe(404);
    expect((await http.del(bob, `/api/chats/${chatId}/messages/not-an-id`)).statusCode).toBe(404);
    expect(
      (await http.patch(alice, `/api/chats/${randomUUID()}/messages/${m.id}`, { body: 'x' })).statusCode,
    ).toBe(404);
  });

  it('[pagination] 250 messages: newest page, beforeSeq, afterSeq, limits, and bad cursors', async () => {
    for (let i = 0; i < 250; i += 25) {
      await Promise.all(Array.from({ length: 25 }, (_, j) => send(alice, `m${i + j}`)));
    }
    const page = async (query: string) => {
      const res = await http.get(bob, `/api/chats/${chatId}/messages${query}`);
      return { status: res.statusCode, body: res.json() };
    };
    const seqs = (p: { body: { messages: Message[] } }) => p.body.messages.map((m) => m.seq);
    const newest = await page('');
    expect(seqs(newest)).toEqual(Array.from({ length: 50 }, (_, i) => 201 + i));
    expect(newest.body.hasMore).toBe(true);
    const before = await page('?beforeSeq=201&limit=200');
    expect(seqs(before)).toEqual(Array.from({ length: 200 }, (_, i) => 1 + i));
    expect(before.body.hasMore).toBe(false);
    const after = await page('?afterSeq=240&limit=5');
    expect(seqs(after)).toEqual([241, 242, 243, 244, 245]);
    expect(after.body.hasMore).toBe(true);
    expect(await page('?afterSeq=250')).toMatchObject({
      status: 200,
      body: { messages: [], hasMore: false },
    });
    expect(await page('?afterSeq=9999')).toMatchObject({
      status: 200,
      body: { messages: [], hasMore: false },
    });
    expect(seqs(await page('?afterSeq=10&beforeSeq=15'))).toEqual([11, 12, 13, 14]);
    for (const bad of [
      '?afterSeq=-1',
      '?afterSeq=abc',
      '?beforeSeq=1.5',
      '?limit=0',
      '?limit=201',
      '?cursor=1',
    ]) {
      const res = await page(bad);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
    }
  });

  it('[readers] who read a message comes from the watermarks', async () => {
    const carol = await registerUser(t.app, 'carol');
    await http.post(alice, `/api/chats/${chatId}/members`, { username: 'carol' });
    const m1 = (await send(alice, 'one')).json().message as Message;
    const m2 = (await send(alice, 'two')).json().message as Message;
    await http.post(bob, `/api/chats/${chatId}/read`, { seq: m2.seq });
    await http.post(carol, `/api/chats/${chatId}/read`, { seq: m1.seq });
    const readers = async (m: Message) =>
      (await http.get(alice, `/api/chats/${chatId}/messages/${m.id}/readers`))
        .json()
        .readers.map((u: { username: string }) => u.username);
    expect(await readers(m1)).toEqual(['bob', 'carol']);
    expect(await readers(m2)).toEqual(['bob']);
    // Dave joins after both: his marker starts past them (their past is not unread to him), but
    // he has not seen them for that. He has seen what comes after he joined, once he reads it.
    const dave = await registerUser(t.app, 'dave');
    await http.post(alice, `/api/chats/${chatId}/members`, { username: 'dave' });
    expect(await readers(m1)).toEqual(['bob', 'carol']);
    expect(await readers(m2)).toEqual(['bob']);
    const m3 = (await send(alice, 'three')).json().message as Message;
    expect(await readers(m3)).toEqual([]);
    await http.post(dave, `/api/chats/${chatId}/read`, { seq: m3.seq });
    expect(await readers(m3)).toEqual(['dave']);
  });

  it('[readers] a member added by an instance of the previous version (no joinedSeq, joinedRev) gets them from the database', async () => {
    const frank = await registerUser(t.app, 'frank');
    const before = (await send(alice, 'before frank')).json().message as Message;
    // What that version's insert wrote: the rev it took and the read marker, nothing else.
    await t.database.db.execute(sql`
      with r as (update chats set last_rev = last_rev + 1 where id = ${chatId} returning last_rev, last_seq)
      insert into chat_members (chat_id, user_id, role, rev, read_seq)
      select ${chatId}, ${frank.user.id}, 'member', last_rev, last_seq from r`);
    const rev = (await http.get(alice, `/api/chats/${chatId}`)).json().chat.rev as number;
    const members = (await http.get(alice, `/api/chats/${chatId}`)).json().members as Member[];
    expect(members.find((m) => m.user.id === frank.user.id)).toMatchObject({
      joinedSeq: before.seq,
      joinedRev: rev,
      readSeq: before.seq,
    });
    const readers = await http.get(alice, `/api/chats/${chatId}/messages/${before.id}/readers`);
    expect(readers.json().readers.map((u: { username: string }) => u.username)).not.toContain('frank');
  });

  // The join's transaction begins (its now() is taken), a send goes through, then the join takes
  // the chat's lock: erin joined after the message, though her joinedAt is before its createdAt.
  it.skipIf(driver !== 'postgres')(
    '[readers race] someone whose join began before a send but took the chat’s lock after it is not a reader of that message',
    async () => {
      const erin = await registerUser(t.app, 'erin');
      const gated = gatedDb(t.database.db);
      const joining = createChatsRepo(gated.db).addMember(chatId, erin.user.id, 'member', {
        actorId: alice.user.id,
        allowed: () => {},
      });
      await gated.begun;
      const before = (await send(alice, 'before erin')).json().message as Message;
      gated.open();
      expect(await joining).toBeDefined();
      const members = (await http.get(alice, `/api/chats/${chatId}`)).json().members as Member[];
      expect(members.find((m) => m.user.id === erin.user.id)).toMatchObject({
        joinedSeq: before.seq,
        readSeq: before.seq,
      });
      const readers = await http.get(alice, `/api/chats/${chatId}/messages/${before.id}/readers`);
      expect(readers.json().readers).toEqual([]);
      const after = (await send(alice, 'after erin')).json().message as Message;
      await http.post(erin, `/api/chats/${chatId}/read`, { seq: after.seq });
      const later = await http.get(alice, `/api/chats/${chatId}/messages/${after.id}/readers`);
      expect(later.json().readers.map((u: { username: string }) => u.username)).toEqual(['erin']);
    },
  );
});
