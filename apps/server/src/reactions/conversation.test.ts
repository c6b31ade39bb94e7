import { randomUUID } from 'node:crypto';
import {
  ChangesResponseSchema,
  LIMITS,
  type Message,
  MessagePageSchema,
  PinsResponseSchema,
  type ServerFrame,
} from '@chatsockets/protocol';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser, type TestUser } from '../../test/factories.js';
import { gatedDb } from '../../test/gated-db.js';
import { client } from '../../test/http.js';
import { waitFor } from '../../test/wait.js';
import { WsClient } from '../../test/ws-client.js';
import { rowsOf } from '../db/ids.js';
import { createReactionsRepo } from './reactions.repo.js';

const revOf = (f: ServerFrame) =>
  f.type === 'message.created' || f.type === 'message.updated'
    ? f.message.rev
    : f.type === 'reaction.added' || f.type === 'reaction.removed'
      ? f.rev
      : undefined;

/**
 * A message's reactions as a client holds them after `frames`: deltas applied in order, and the
 * message taken whole where it comes at its current state (a gap the hub read back). Each delta
 * must change something: an add of a reaction held, or a removal of one not held, fails.
 */
function replayReactions(frames: ServerFrame[], messageId: string) {
  const held = new Map<string, Set<string>>();
  for (const f of frames) {
    if ((f.type === 'message.created' || f.type === 'message.updated') && f.message.id === messageId) {
      held.clear();
      for (const r of f.message.reactions ?? []) held.set(r.emoji, new Set(r.users.map((u) => u.id)));
      continue;
    }
    if ((f.type !== 'reaction.added' && f.type !== 'reaction.removed') || f.messageId !== messageId) continue;
    const users = held.get(f.emoji) ?? new Set();
    held.set(f.emoji, users);
    if (f.type === 'reaction.added') {
      expect(users.has(f.user.id)).toBe(false); // an add that changes nothing is never announced
      users.add(f.user.id);
    } else {
      expect(users.has(f.user.id)).toBe(true);
      users.delete(f.user.id);
    }
  }
  return [...held]
    .filter(([, u]) => u.size > 0)
    .map(([e, u]) => [e, [...u].sort()])
    .sort();
}

describe.each(drivers())('replies, reactions and pins on %s', (driver) => {
  let t: TestContext;
  let url: string;
  const http = client(() => t.app);
  let alice: TestUser; // owner
  let bob: TestUser; // member
  let carol: TestUser; // outsider
  let chatId: string;
  let otherChatId: string;
  const open: WsClient[] = [];
  const connect = async (user: TestUser) => {
    const c = await WsClient.connect(url, { token: user.token });
    open.push(c);
    return c;
  };
  const send = async (user: TestUser, body: string, extra: object = {}, chat = chatId) =>
    http.post(user, `/api/chats/${chat}/messages`, { clientId: randomUUID(), body, ...extra });
  const msg = async (user: TestUser, body: string): Promise<Message> =>
    (await send(user, body)).json().message;
  const reaction = (m: { id: string }, emoji: string, chat = chatId) =>
    `/api/chats/${chat}/messages/${m.id}/reactions/${encodeURIComponent(emoji)}`;
  const chatRev = async () =>
    Number(
      rowsOf<{ last_rev: number }>(
        await t.database.db.execute(sql`select last_rev from chats where id = ${chatId}`),
      )[0]!.last_rev,
    );
  const current = async (m: { seq: number }, user = alice): Promise<Message> =>
    MessagePageSchema.parse(
      (await http.get(user, `/api/chats/${chatId}/messages?aroundSeq=${m.seq}&limit=1`)).json(),
    ).messages[0]!;

  beforeAll(async () => {
    t = await buildTestApp(driver, { WS_FRAMES_PER_SEC: '1000', WS_FRAMES_BURST: '1000' });
    url = await t.listen();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    alice = await registerUser(t.app, 'alice');
    bob = await registerUser(t.app, 'bob');
    carol = await registerUser(t.app, 'carol');
    chatId = (await http.post(alice, '/api/chats', { title: 'Room', members: ['bob'] })).json().chat.id;
    otherChatId = (await http.post(carol, '/api/chats', { title: 'Other', members: ['alice'] })).json().chat
      .id;
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    await t.truncate();
  });

  it('[reply] a reply quotes its original (author, first line); a later delete shows it deleted; over HTTP and WS', async () => {
    const original = await msg(bob, '  first line of it\nsecond line');
    const res = await send(alice, 'answer', { replyToId: original.id.toUpperCase() });
    expect(res.statusCode).toBe(201);
    const reply: Message = res.json().message;
    expect(reply.replyTo).toEqual({
      id: original.id,
      seq: original.seq,
      author: { id: bob.user.id, username: 'bob' },
      preview: 'first line of it',
      deleted: false,
    });
    const a = await connect(alice);
    const viaWs = await a.ok<{ message: Message }>({
      type: 'message.send',
      chatId,
      clientId: randomUUID(),
      body: 'again',
      replyToId: original.id,
    });
    expect(viaWs.message.replyTo?.id).toBe(original.id);
    expect((await http.del(bob, `/api/chats/${chatId}/messages/${original.id}`)).statusCode).toBe(204);
    const page = MessagePageSchema.parse((await http.get(bob, `/api/chats/${chatId}/messages`)).json());
    const shown = page.messages.find((m) => m.id === reply.id)!;
    expect(shown.replyTo).toMatchObject({ id: original.id, deleted: true, preview: '' });
    // Replying to it now: the original is gone.
    const late = await send(alice, 'too late', { replyToId: original.id });
    expect(late.statusCode).toBe(409);
  });

  // The service checks the original, then the send takes the chat's lock: here the test holds
  // that lock, so the reply waits between the two while the original changes, and then goes on.
  it.skipIf(driver !== 'postgres')(
    '[reply race] the original edited or deleted between a reply’s check and its store: the reply quotes it as edited; deleted, 409 and nothing stored',
    async () => {
      const url = (t.config.db as { url: string }).url;
      const holder = postgres(url, { max: 1, onnotice: () => {} });
      try {
        for (const change of ['edit', 'delete'] as const) {
          const original = await msg(alice, `orig ${change}`);
          const clientId = randomUUID();
          let answer: Promise<{ statusCode: number; json(): { message: Message } }> | undefined;
          await holder.begin(async (tx) => {
            await tx`select 1 from chats where id = ${chatId} for no key update`;
            answer = http.post(bob, `/api/chats/${chatId}/messages`, {
              clientId,
              body: 'an answer',
              replyToId: original.id,
            });
            await waitFor('the reply to wait on the chat', async () => {
              const [row] = await tx`select count(*)::int as n from pg_stat_activity
                where datname = current_database() and wait_event_type = 'Lock'`;
              return (row?.n ?? 0) > 0;
            });
            // What a delete or an edit commits, under the same lock they would take.
            const [rev] =
              await tx`update chats set last_rev = last_rev + 1 where id = ${chatId} returning last_rev`;
            if (change === 'edit')
              await tx`update messages set body = 'edited meanwhile', edited_at = now(), rev = ${rev!.last_rev}
                where id = ${original.id}`;
            else
              await tx`update messages set body = '', deleted_at = now(), rev = ${rev!.last_rev}
                where id = ${original.id}`;
          });
          const res = await answer!;
          if (change === 'edit') {
            expect(res.statusCode).toBe(201);
            expect(res.json().message.replyTo).toMatchObject({ preview: 'edited meanwhile', deleted: false });
          } else {
            expect(res.statusCode).toBe(409);
            const stored = await t.database.db.execute(
              sql`select 1 from messages where client_id = ${clientId}`,
            );
            expect(rowsOf(stored)).toEqual([]);
          }
        }
      } finally {
        await holder.end({ timeout: 5 });
      }
    },
  );

  it('[reply] to another chat’s message, an unknown or malformed id: 4xx, nothing written, no seq burned', async () => {
    const foreign: Message = (await send(carol, 'elsewhere', {}, otherChatId)).json().message;
    const before = await chatRev();
    for (const replyToId of [foreign.id, randomUUID(), 'not-an-id']) {
      const res = await send(alice, 'x', { replyToId });
      expect(res.statusCode, replyToId).toBe(404);
      expect(res.json().error).toMatchObject({ code: 'NOT_FOUND', message: 'Message to reply to not found' });
    }
    expect((await send(alice, 'x', { replyToId: '' })).statusCode).toBe(400);
    expect((await send(alice, 'x', { replyToId: 42 })).statusCode).toBe(400);
    // An outsider learns nothing about the chat's messages: the chat's own 403 first.
    expect((await send(carol, 'x', { replyToId: foreign.id })).statusCode).toBe(403);
    expect(await chatRev()).toBe(before);
    const a = await connect(alice);
    expect(
      await a.request({
        type: 'message.send',
        chatId,
        clientId: randomUUID(),
        body: 'x',
        replyToId: foreign.id,
      }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await http.get(alice, `/api/chats/${chatId}/messages`)).json().messages).toEqual([]);
  });

  it('[around] aroundSeq pages around a message: half before, the rest from it; full near either end; bad input 400', async () => {
    for (let i = 1; i <= 30; i++) await msg(alice, `m${i}`);
    const around = async (q: string) =>
      MessagePageSchema.parse((await http.get(bob, `/api/chats/${chatId}/messages?${q}`)).json());
    const mid = await around('aroundSeq=15&limit=10');
    expect(mid.messages.map((m) => m.seq)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect([mid.hasMore, mid.hasMoreAfter]).toEqual([true, true]);
    const start = await around('aroundSeq=2&limit=10');
    expect(start.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect([start.hasMore, start.hasMoreAfter]).toEqual([false, true]);
    const end = await around('aroundSeq=30&limit=10');
    expect(end.messages.map((m) => m.seq)).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
    expect([end.hasMore, end.hasMoreAfter]).toEqual([true, false]);
    expect((await around('aroundSeq=15&limit=1')).messages.map((m) => m.seq)).toEqual([15]);
    for (const q of [
      'aroundSeq=-1',
      'aroundSeq=',
      'aroundSeq=1&afterSeq=2',
      'aroundSeq=1&beforeSeq=2',
      'aroundSeq=2147483648',
    ]) {
      expect((await http.get(bob, `/api/chats/${chatId}/messages?${q}`)).statusCode, q).toBe(400);
    }
    expect((await http.get(carol, `/api/chats/${chatId}/messages?aroundSeq=3`)).statusCode).toBe(403);
  });

  it('[reactions] add and remove are idempotent: a repeat changes nothing and burns no rev; counts and users per emoji', async () => {
    const m = await msg(bob, 'react to me');
    const rev0 = await chatRev();
    expect((await http.put(alice, reaction(m, '👍'))).statusCode).toBe(204);
    expect((await http.put(alice, reaction(m, '👍'))).statusCode).toBe(204);
    expect(await chatRev()).toBe(rev0 + 1);
    await http.put(bob, reaction(m, '👍'));
    await http.put(bob, reaction(m, '👨‍👩‍👧'));
    expect(await chatRev()).toBe(rev0 + 3);
    const now = await current(m);
    expect(now.rev).toBe(rev0 + 3);
    expect(now.reactions).toEqual([
      {
        emoji: '👍',
        count: 2,
        users: [
          { id: alice.user.id, username: 'alice' },
          { id: bob.user.id, username: 'bob' },
        ],
      },
      { emoji: '👨‍👩‍👧', count: 1, users: [{ id: bob.user.id, username: 'bob' }] },
    ]);
    expect((await http.del(alice, reaction(m, '👍'))).statusCode).toBe(204);
    expect((await http.del(alice, reaction(m, '👍'))).statusCode).toBe(204);
    expect((await http.del(alice, reaction(m, '🎉'))).statusCode).toBe(204);
    expect(await chatRev()).toBe(rev0 + 4);
    expect((await current(m)).reactions.map((r) => [r.emoji, r.count])).toEqual([
      ['👍', 1],
      ['👨‍👩‍👧', 1],
    ]);
  });

  it('[reactions] bad input: not an emoji 400; unknown, malformed, other chat’s message 404; outsider 403; deleted 409; ids in upper case work', async () => {
    const m = await msg(bob, 'hi');
    const rev0 = await chatRev();
    for (const emoji of ['a', 'lol', '👍👍', '<script>', ' ', '👍x']) {
      const res = await http.put(alice, reaction(m, emoji));
      expect(res.statusCode, emoji).toBe(400);
      expect(res.json().error.code).toBe('BAD_REQUEST');
    }
    expect((await http.put(alice, `/api/chats/${chatId}/messages/${m.id}/reactions/%F0%9F`)).statusCode).toBe(
      400,
    );
    expect((await http.put(alice, reaction({ id: randomUUID() }, '👍'))).statusCode).toBe(404);
    expect((await http.put(alice, reaction({ id: 'nope' }, '👍'))).statusCode).toBe(404);
    expect((await http.put(alice, reaction(m, '👍', otherChatId))).statusCode).toBe(404);
    expect((await http.put(carol, reaction(m, '👍'))).statusCode).toBe(403);
    expect(await chatRev()).toBe(rev0);
    expect(
      (await http.put(alice, reaction({ id: m.id.toUpperCase() }, '👍', chatId.toUpperCase()))).statusCode,
    ).toBe(204);
    const a = await connect(alice);
    expect(await a.request({ type: 'reaction.add', messageId: m.id, emoji: 'no' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await a.ok({ type: 'reaction.add', messageId: m.id.toUpperCase(), emoji: '🎉' })).toEqual({});
    expect((await current(m)).reactions.map((r) => r.emoji)).toEqual(['👍', '🎉']);
    expect(await a.ok({ type: 'reaction.remove', messageId: m.id, emoji: '🎉' })).toEqual({});
    expect(await a.request({ type: 'reaction.remove', messageId: randomUUID(), emoji: '🎉' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect((await current(m)).reactions.map((r) => r.emoji)).toEqual(['👍']);
    await http.del(bob, `/api/chats/${chatId}/messages/${m.id}`);
    // A deleted message keeps no reactions; reacting to it is a conflict, un-reacting a no-op.
    expect((await current(m)).reactions).toEqual([]);
    expect((await http.put(alice, reaction(m, '👍'))).json().error.code).toBe('CONFLICT');
    const rev1 = await chatRev();
    expect((await http.del(alice, reaction(m, '👍'))).statusCode).toBe(204);
    expect(await chatRev()).toBe(rev1);
  });

  it('[reactions] one emoji however it is typed: with or without U+FE0F is the same reaction, stored and announced fully qualified', async () => {
    const m = await msg(bob, 'love it');
    const b = await connect(bob);
    await b.ok({ type: 'subscribe', chatId });
    const rev0 = await chatRev();
    // A keyboard that sends the bare heart (U+2764) and one that sends it with VS16 mean one emoji.
    expect((await http.put(alice, reaction(m, '\u2764'))).statusCode).toBe(204);
    expect((await http.put(bob, reaction(m, '\u2764\uFE0F'))).statusCode).toBe(204);
    expect((await http.put(alice, reaction(m, '\u2764\uFE0F'))).statusCode).toBe(204); // a repeat
    expect(await b.ok({ type: 'reaction.add', messageId: m.id, emoji: '1\u20E3' })).toEqual({});
    expect(await chatRev()).toBe(rev0 + 3);
    expect((await current(m)).reactions.map((r) => [r.emoji, r.count])).toEqual([
      ['\u2764\uFE0F', 2],
      ['1\uFE0F\u20E3', 1],
    ]);
    const added = await b.next(
      (f) => f.type === 'reaction.added' && f.user.id === alice.user.id,
      undefined,
      true,
    );
    expect(added).toMatchObject({ emoji: '\u2764\uFE0F' });
    // Taking it back the other way round removes it.
    expect((await http.del(alice, reaction(m, '\u2764\uFE0F'))).statusCode).toBe(204);
    expect((await http.del(bob, reaction(m, '\u2764'))).statusCode).toBe(204);
    expect((await current(m)).reactions.map((r) => r.emoji)).toEqual(['1\uFE0F\u20E3']);
  });

  it('[reactions] a reaction stored before emoji were qualified (bare U+2764) can still be taken back', async () => {
    const m = await msg(bob, 'old');
    await t.database.db.execute(
      sql`insert into message_reactions (message_id, emoji, user_id) values (${m.id}, ${'\u2764'}, ${alice.user.id})`,
    );
    expect((await current(m)).reactions.map((r) => r.emoji)).toEqual(['\u2764']);
    const rev0 = await chatRev();
    expect((await http.del(alice, reaction(m, '\u2764'))).statusCode).toBe(204);
    expect((await current(m)).reactions).toEqual([]);
    expect(await chatRev()).toBe(rev0 + 1);
  });

  it('[reactions] limits: distinct emoji per message and reactions per user, with clear errors; a repeat at the limit is still fine', async () => {
    const m = await msg(bob, 'popular');
    const emoji = [
      '😀',
      '😁',
      '😂',
      '🤣',
      '😃',
      '😄',
      '😅',
      '😆',
      '😉',
      '😊',
      '😋',
      '😎',
      '😍',
      '😘',
      '🥰',
      '😗',
      '😙',
      '🥲',
      '😚',
      '🙂',
      '🤗',
    ];
    expect(emoji.length).toBe(LIMITS.reactionsDistinctMax + 1);
    const people = [alice, bob];
    for (let i = 0; i < 6; i++) people.push(await registerUser(t.app, `fan${i}`));
    for (const p of people.slice(2))
      await http.post(alice, `/api/chats/${chatId}/members`, { username: p.user.username });
    for (let i = 0; i < LIMITS.reactionsDistinctMax; i++) {
      const res = await http.put(people[Math.floor(i / LIMITS.reactionsPerUserMax)]!, reaction(m, emoji[i]!));
      expect(res.statusCode, `${i}`).toBe(204);
    }
    const rev0 = await chatRev();
    const tooMany = await http.put(people[7]!, reaction(m, emoji[20]!));
    expect(tooMany.statusCode).toBe(409);
    expect(tooMany.json().error.message).toMatch(/at most 20 different reactions/);
    // An emoji already there is fine (not a new one).
    expect((await http.put(people[7]!, reaction(m, emoji[0]!))).statusCode).toBe(204);
    // alice has used her three.
    const fourth = await http.put(alice, reaction(m, emoji[5]!));
    expect(fourth.statusCode).toBe(409);
    expect(fourth.json().error.message).toMatch(/at most 3 times/);
    expect((await http.put(alice, reaction(m, emoji[0]!))).statusCode).toBe(204); // a repeat
    expect(await chatRev()).toBe(rev0 + 1);
    expect((await current(m)).reactions).toHaveLength(20);
  });

  it('[reactions races] two users toggling the same reaction concurrently, and add+remove racing: the state and the rev log agree', async () => {
    const m = await msg(bob, 'race');
    const a = await connect(alice);
    await a.ok({ type: 'subscribe', chatId, afterRev: await chatRev() });
    const rounds = driver === 'postgres' ? 30 : 10;
    for (let i = 0; i < rounds; i++) {
      await Promise.all([
        http.put(alice, reaction(m, '👍')),
        http.put(bob, reaction(m, '👍')),
        http.put(alice, reaction(m, '👍')),
        http.del(bob, reaction(m, '👍')),
        i % 2 ? http.del(alice, reaction(m, '👍')) : http.put(bob, reaction(m, '❤️')),
      ]);
    }
    const final = await current(m);
    const lastRev = await chatRev();
    expect(final.rev).toBe(lastRev);
    // Live: in rev order, each once, up to the last. A rev may be skipped: when publishes
    // overtake each other the instance reads the gap back, and a change superseded by then comes
    // once, as the message at its current state (PROTOCOL.md › Change cursor). Replaying the
    // deltas, and taking such a message whole, gives the final state.
    await a.next((f) => revOf(f) === lastRev, 10_000, true);
    const seen = a.frames.flatMap((f) => (revOf(f) === undefined ? [] : [revOf(f)!]));
    expect(seen).toEqual([...new Set(seen)].sort((x, y) => x - y));
    expect(seen.at(-1)).toBe(lastRev);
    const replayed = replayReactions(a.frames, m.id);
    const truth = final.reactions.map((r) => [r.emoji, r.users.map((u) => u.id).sort()]);
    expect(replayed.sort()).toEqual(truth.sort());
    const rows = rowsOf<{ n: number }>(
      await t.database.db.execute(
        sql`select count(*)::int as n from message_reactions where message_id = ${m.id}`,
      ),
    );
    expect(rows[0]!.n).toBe(final.reactions.reduce((n, r) => n + r.count, 0));
  });

  it('[reactions] a burst on one message reaches each socket in rev order, once each', async () => {
    const m = await msg(bob, 'burst');
    const watchers = [await connect(alice), await connect(bob)];
    const from = await chatRev();
    for (const w of watchers) await w.ok({ type: 'subscribe', chatId, afterRev: from });
    const emoji = ['👍', '❤️', '😂'];
    const a = await connect(alice);
    const b = await connect(bob);
    // Both sockets fire without waiting: the server orders them by rev.
    await Promise.all(
      [a, b].flatMap((c) =>
        emoji.flatMap((e) => [
          c.ok({ type: 'reaction.add', messageId: m.id, emoji: e }),
          c.ok({ type: 'reaction.remove', messageId: m.id, emoji: e }),
        ]),
      ),
    );
    const last = await chatRev();
    for (const w of watchers) {
      await w.next((f) => revOf(f) === last, 10_000, true);
      const revs = w.frames.flatMap((f) => (revOf(f) === undefined ? [] : [revOf(f)!]));
      // In rev order, each once, up to the last; a change superseded before a gap was read back
      // comes inside the message at its newer rev (PROTOCOL.md › Change cursor).
      expect(revs).toEqual([...new Set(revs)].sort((x, y) => x - y));
      expect(revs[0]).toBeGreaterThan(from);
      expect(revs.at(-1)).toBe(last);
      // Each socket added and then removed each emoji: nothing is left, whichever way it came.
      expect(replayReactions(w.frames, m.id)).toEqual([]);
    }
  });

  // Who reacted is listed in the order the reactions were made, which is rev order: the order the
  // live events gave. A transaction that began first but took the chat's lock second (here held
  // at a gate between its start and its change) still comes second in the list.
  it.skipIf(driver !== 'postgres')(
    '[reactions order] a reaction’s users are listed in rev order, as the live events gave them, whatever order their transactions began in',
    async () => {
      const m = await msg(bob, 'who first');
      const gated = gatedDb(t.database.db);
      const late = createReactionsRepo(gated.db).add(chatId, m.id, alice.user.id, '👍', {
        actorId: alice.user.id,
        allowed: () => {},
      });
      await gated.begun;
      expect((await http.put(bob, reaction(m, '👍'))).statusCode).toBe(204);
      gated.open();
      expect((await late).outcome).toBeDefined();
      const [shown] = (await current(m)).reactions;
      expect(shown?.users.map((u) => u.username)).toEqual(['bob', 'alice']);
    },
  );

  it('[pins] owners and admins pin and unpin; members get 403; a repeat burns no rev; pins listed latest first; a delete unpins', async () => {
    const m1 = await msg(bob, 'one');
    const m2 = await msg(bob, 'two');
    const chat = (await http.get(bob, `/api/chats/${chatId}`)).json().chat;
    expect(chat.capabilities).toContain('react');
    expect(chat.capabilities).not.toContain('pin');
    const denied = await http.put(bob, `/api/chats/${chatId}/messages/${m1.id}/pin`);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.message).toMatch(/owner or an admin/);
    const rev0 = await chatRev();
    const pinned = await http.put(alice, `/api/chats/${chatId}/messages/${m1.id}/pin`);
    expect(pinned.statusCode).toBe(200);
    expect(pinned.json().message.pinnedAt).not.toBeNull();
    expect((await http.put(alice, `/api/chats/${chatId}/messages/${m1.id}/pin`)).statusCode).toBe(200);
    expect(await chatRev()).toBe(rev0 + 1);
    await http.patch(alice, `/api/chats/${chatId}/members/${bob.user.id}`, { role: 'admin' });
    const b = await connect(bob);
    const viaWs = await b.ok<{ message: Message }>({ type: 'message.pin', messageId: m2.id.toUpperCase() });
    expect(viaWs.message.pinnedAt).not.toBeNull();
    const pins = async () =>
      PinsResponseSchema.parse((await http.get(bob, `/api/chats/${chatId}/pins`)).json()).messages.map(
        (m) => m.id,
      );
    expect(await pins()).toEqual([m2.id, m1.id]);
    expect(await b.request({ type: 'message.unpin', messageId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(
      (await http.del(alice, `/api/chats/${chatId}/messages/${m2.id}/pin`)).json().message.pinnedAt,
    ).toBeNull();
    expect(await pins()).toEqual([m1.id]);
    await http.del(bob, `/api/chats/${chatId}/messages/${m1.id}`);
    expect(await pins()).toEqual([]);
    expect((await http.put(alice, `/api/chats/${chatId}/messages/${m1.id}/pin`)).statusCode).toBe(409);
    expect((await http.put(alice, `/api/chats/${chatId}/messages/${randomUUID()}/pin`)).statusCode).toBe(404);
    expect((await http.get(carol, `/api/chats/${chatId}/pins`)).statusCode).toBe(403);
    expect((await http.put(alice, `/api/chats/${otherChatId}/messages/${m2.id}/pin`)).statusCode).toBe(404);
  });

  it('[pins] unpinning a message deleted meanwhile changes nothing: 200 with its tombstone, no rev (a delete unpins)', async () => {
    const m = await msg(bob, 'soon gone');
    expect((await http.put(alice, `/api/chats/${chatId}/messages/${m.id}/pin`)).statusCode).toBe(200);
    // Alice's pinned bar still shows it when Bob deletes it; she unpins from there.
    expect((await http.del(bob, `/api/chats/${chatId}/messages/${m.id}`)).statusCode).toBe(204);
    const rev0 = await chatRev();
    const res = await http.del(alice, `/api/chats/${chatId}/messages/${m.id}/pin`);
    expect(res.statusCode).toBe(200);
    expect(res.json().message).toMatchObject({ id: m.id, pinnedAt: null, body: '' });
    expect(res.json().message.deletedAt).not.toBeNull();
    const a = await connect(alice);
    const viaWs = await a.ok<{ message: Message }>({ type: 'message.unpin', messageId: m.id });
    expect(viaWs.message).toMatchObject({ id: m.id, pinnedAt: null });
    expect(await chatRev()).toBe(rev0);
    // Pinning it is still refused, and a member who may not pin still gets 403.
    expect((await http.put(alice, `/api/chats/${chatId}/messages/${m.id}/pin`)).statusCode).toBe(409);
    expect((await http.del(bob, `/api/chats/${chatId}/messages/${m.id}/pin`)).statusCode).toBe(403);
  });

  it('[pins race] pin racing a delete: the message ends deleted and unpinned, and the pin is refused or undone', async () => {
    const rounds = driver === 'postgres' ? 20 : 6;
    for (let i = 0; i < rounds; i++) {
      const m = await msg(bob, `p${i}`);
      const [pin] = await Promise.all([
        http.put(alice, `/api/chats/${chatId}/messages/${m.id}/pin`),
        http.del(alice, `/api/chats/${chatId}/messages/${m.id}`),
      ]);
      expect([200, 409]).toContain(pin.statusCode);
      const now = await current(m);
      expect(now.deletedAt).not.toBeNull();
      expect(now.pinnedAt).toBeNull();
    }
    expect(
      PinsResponseSchema.parse((await http.get(alice, `/api/chats/${chatId}/pins`)).json()).messages,
    ).toEqual([]);
  });

  it('[changes] a client that was away converges: the feed returns each reacted or pinned message at its whole current state', async () => {
    const m = await msg(bob, 'catch me');
    const reply: Message = (await send(alice, 'reply', { replyToId: m.id })).json().message;
    const away = await chatRev();
    await http.put(alice, reaction(m, '👍'));
    await http.put(bob, reaction(m, '👍'));
    await http.put(alice, `/api/chats/${chatId}/messages/${m.id}/pin`);
    await http.del(bob, reaction(m, '👍'));
    const log = ChangesResponseSchema.parse(
      (await http.get(bob, `/api/chats/${chatId}/changes?afterRev=${away}`)).json(),
    );
    expect(log.changes).toHaveLength(1);
    const change = log.changes[0]!;
    expect(change.type === 'message' && change.message).toMatchObject({
      id: m.id,
      rev: away + 4,
      reactions: [{ emoji: '👍', count: 1, users: [{ id: alice.user.id }] }],
    });
    expect(change.type === 'message' && change.message.pinnedAt).not.toBeNull();
    // The same through a subscribe with afterRev, and the reply keeps its quote in the feed.
    const b = await connect(bob);
    const sub = await b.ok<{ changes: Array<{ message?: Message }> }>({
      type: 'subscribe',
      chatId,
      afterRev: away - 1,
    });
    expect(sub.changes.map((c) => c.message?.id)).toEqual([reply.id, m.id]);
    expect(sub.changes[0]!.message!.replyTo).toMatchObject({ id: m.id, preview: 'catch me' });
    // A chat list's last message is whole too.
    const list = (await http.get(bob, '/api/chats'))
      .json()
      .chats.find((c: { id: string }) => c.id === chatId);
    expect(list.lastMessage.replyTo).toMatchObject({ id: m.id });
  });
});
