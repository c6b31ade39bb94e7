import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { registerUser, type TestUser } from '../../test/factories.js';
import { client } from '../../test/http.js';
import { createChangesRepo } from '../changes/changes.repo.js';
import { rowsOf } from '../db/ids.js';
import { createMessagesRepo, type SendInput } from './messages.repo.js';

// The send path under group commit, on the repository itself: the tests decide how sends are
// grouped (one slot, so everything submitted while it is busy forms the next batch).
describe.each(drivers())('[group commit] sends on %s', (driver) => {
  let t: TestContext;
  const http = client(() => t.app);
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let room: string;
  let other: string;
  let spare: string;
  let batches: number[];

  beforeAll(async () => {
    t = await buildTestApp(driver);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    alice = await registerUser(t.app, 'alice');
    bob = await registerUser(t.app, 'bob');
    carol = await registerUser(t.app, 'carol');
    const create = async (title: string, members: string[] = []) =>
      (await http.post(alice, '/api/chats', { title, members })).json().chat.id as string;
    room = await create('Room', ['bob']);
    other = await create('Other');
    spare = await create('Spare');
    batches = [];
  });
  afterEach(() => t.truncate());

  const rawRepo = () =>
    createMessagesRepo(t.database.db, { concurrency: 1, maxBatch: 100, onBatch: (n) => batches.push(n) });
  const repo = () => {
    const r = rawRepo();
    // None of these sends answers a message, so none ends as 'reply-deleted'.
    const send = async (i: SendInput) => {
      const o = await r.send(i);
      if (o === 'reply-deleted') throw new Error('unexpected reply-deleted');
      return o;
    };
    return { ...r, send };
  };
  const input = (
    author: TestUser,
    chatId: string,
    clientId: string = randomUUID(),
    body = 'hi',
  ): SendInput => ({
    chatId,
    authorId: author.user.id,
    clientId,
    body,
  });
  const stored = async (chatId: string) =>
    rowsOf<{ seq: number; client_id: string }>(
      await t.database.db.execute(
        sql`select seq, client_id from messages where chat_id = ${chatId} order by seq`,
      ),
    ).map((r) => ({ seq: Number(r.seq), clientId: r.client_id }));
  const lastSeq = async (chatId: string) =>
    Number(
      rowsOf<{ last_seq: number }>(
        await t.database.db.execute(sql`select last_seq from chats where id = ${chatId}`),
      )[0]!.last_seq,
    );

  it('[reply race] a reply to a message deleted before the send locked the chat is stored in neither path, and takes no seq', async () => {
    const original = (
      await http.post(alice, `/api/chats/${room}/messages`, { clientId: 'o', body: 'soon gone' })
    ).json().message as { id: string };
    // Deleted after the service's check would have passed: the send itself must see it.
    expect((await http.del(alice, `/api/chats/${room}/messages/${original.id}`)).statusCode).toBe(204);
    const raw = rawRepo();
    const seqBefore = await lastSeq(room);
    const reply = (clientId: string): SendInput => ({
      ...input(bob, room, clientId, 'late answer'),
      replyToId: original.id,
    });
    // Alone: the lone-send path.
    expect(await raw.send(reply('alone'))).toBe('reply-deleted');
    // Together: they go in one batch (the set-based path), whether or not the first goes alone.
    const outcomes = await Promise.all([
      raw.send(input(alice, other)),
      raw.send(reply('batched')),
      raw.send(input(bob, room, 'plain', 'still fine')),
      raw.send(reply('batched')),
    ]);
    expect(batches.at(-1)).toBeGreaterThanOrEqual(3);
    expect(outcomes[1]).toBe('reply-deleted');
    expect(outcomes[3]).toBe('reply-deleted');
    const plain = outcomes[2];
    expect(plain !== 'reply-deleted' && plain?.message.seq).toBe(seqBefore + 1);
    expect(await lastSeq(room)).toBe(seqBefore + 1);
    expect((await stored(room)).map((m) => m.clientId)).toEqual(['o', 'plain']);
  });

  it('stores a queued batch in one go, each send with its own answer', async () => {
    const messages = repo();
    const first = input(alice, room);
    const twice = randomUUID();
    const items = [
      first, // runs alone (the slot is free); the rest queue behind it and form one batch
      input(bob, room),
      input(alice, other),
      input(alice, room, first.clientId, 'a repeat of a committed send, another body'),
      input(alice, room, twice, 'first of two in one batch'),
      input(alice, room, twice, 'second of two in one batch'),
      input(carol, room), // not a member
      input(alice, randomUUID()), // no such chat
      input(bob, room),
    ];
    const outcomes = await Promise.all(items.map((i) => messages.send(i)));
    expect(batches).toEqual([1, items.length - 1]);

    const [a, b, c, repeat, twiceFirst, twiceAgain, refused, missing, b2] = outcomes;
    expect([a, b, twiceFirst, b2].map((o) => o?.message.seq)).toEqual([1, 2, 3, 4]);
    expect([a, b, c, twiceFirst, b2].every((o) => o?.created)).toBe(true);
    expect(c?.message.seq).toBe(1);
    expect(repeat).toEqual({ ...a, created: false });
    expect(twiceAgain).toEqual({ ...twiceFirst, created: false });
    expect(twiceAgain?.message.body).toBe('first of two in one batch');
    expect(refused).toBeUndefined();
    expect(missing).toBeUndefined();
    expect(b?.author).toEqual({ id: bob.user.id, username: 'bob' });

    expect((await stored(room)).map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(await lastSeq(room)).toBe(4);
    expect(await lastSeq(other)).toBe(1);
    // Sending moves the author's marker: alice read up to her own 3, bob up to his 4.
    const chats = (await http.get(alice, '/api/chats')).json().chats as Array<{
      id: string;
      unreadCount: number;
    }>;
    expect(chats.find((x) => x.id === room)?.unreadCount).toBe(1);
    const bobs = (await http.get(bob, '/api/chats')).json().chats as Array<{
      id: string;
      unreadCount: number;
    }>;
    expect(bobs.find((x) => x.id === room)?.unreadCount).toBe(0);
  });

  it('[byte budget] a catch-up page by seq or by rev ends before the message that passes the budget, never before the first', async () => {
    const r = repo();
    const big = ' '.repeat(30_000);
    for (let i = 1; i <= 6; i++) await r.send(input(alice, room, randomUUID(), `m${i}${big}`));
    const bySeq = await r.page(room, { afterSeq: 0, limit: 200, maxBytes: 100_000 });
    expect(bySeq.messages.map((m) => m.message.seq)).toEqual([1, 2, 3]);
    expect(bySeq.hasMore).toBe(true);
    expect((await r.page(room, { afterSeq: 0, limit: 200, maxBytes: 1 })).messages).toHaveLength(1);
    expect((await r.page(room, { afterSeq: 0, limit: 200, maxBytes: 1_000_000 })).hasMore).toBe(false);
    const changes = createChangesRepo(t.database.db);
    const rev = (await changes.position(room))!.rev;
    const byRev = await changes.between(room, 0, rev, 200, { maxBytes: 100_000 });
    expect(byRev.changes.flatMap((c) => (c.type === 'message' ? [c.message.message.seq] : []))).toEqual([
      1, 2, 3,
    ]);
    expect(byRev.hasMore).toBe(true);
  });

  it('a repeat that reached the database returns the first message as it is now (edited)', async () => {
    const messages = repo();
    const first = await messages.send(input(alice, room, 'fixed-id'));
    await t.database.db.execute(
      sql`update messages set body = 'edited', edited_at = now() where id = ${first!.message.id}`,
    );
    const [, again] = await Promise.all([
      messages.send(input(bob, room)),
      messages.send(input(alice, room, 'fixed-id', 'ignored')),
    ]);
    expect(batches).toEqual([1, 1, 1]);
    expect(again?.created).toBe(false);
    expect(again?.message.body).toBe('edited');
    expect(again?.message.editedAt).toBeInstanceOf(Date);
  });

  it('a send that fails inside a batch fails alone; the others are stored with no gap', async () => {
    const messages = repo();
    await t.database.db.execute(
      sql.raw(`
      create or replace function fail_boom() returns trigger language plpgsql as $$
      begin if new.body = 'boom' then raise exception 'injected failure'; end if; return new; end $$`),
    );
    await t.database.db.execute(
      sql.raw('create trigger fail_boom before insert on messages for each row execute function fail_boom()'),
    );
    try {
      const outcomes = await Promise.allSettled(
        ['one', 'two', 'boom', 'three', 'four'].map((body) =>
          messages.send(input(alice, room, randomUUID(), body)),
        ),
      );
      expect(batches.slice(0, 2)).toEqual([1, 4]);
      expect(outcomes.map((o) => o.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
        'fulfilled',
      ]);
      const reason = (outcomes[2] as PromiseRejectedResult).reason as Error;
      expect(String(reason.cause ?? reason)).toMatch(/injected failure/);
      const seqs = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value?.message.seq] : []));
      expect(seqs).toEqual([1, 2, 3, 4]);
    } finally {
      await t.database.db.execute(sql.raw('drop trigger fail_boom on messages'));
      await t.database.db.execute(sql.raw('drop function fail_boom()'));
    }
    expect((await stored(room)).map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(await lastSeq(room)).toBe(4);
  });

  it('100 senders into 3 chats through batches: every chat gapless, in arrival order, every send stored once', async () => {
    const messages = repo();
    const chats = [room, other, spare];
    const items = Array.from({ length: 100 }, (_, i) => input(alice, chats[i % 3]!));
    const outcomes = await Promise.all(items.map((i) => messages.send(i)));
    expect(batches.length).toBeLessThan(100);
    for (const chatId of chats) {
      const mine = outcomes.filter((o) => o?.message.chatId === chatId);
      const rows = await stored(chatId);
      expect(rows.map((r) => r.seq)).toEqual(mine.map((_, i) => i + 1));
      // One slot: batches run one after another, so seq order is the order the sends came in.
      expect(rows.map((r) => r.clientId)).toEqual(
        items.filter((x) => x.chatId === chatId).map((x) => x.clientId),
      );
    }
  });

  // Two instances racing on the same clientId: the other transaction holds the chat's row lock
  // with the row inserted but not yet committed. Ours waits for the lock, and only then looks
  // the clientId up, so it finds their committed message instead of inserting a second one.
  // Needs a second connection.
  describe.runIf(driver === 'postgres')('racing another transaction', () => {
    async function racing(run: () => Promise<unknown>, clientId: string) {
      const url = t.config.db.driver === 'postgres' ? t.config.db.url : '';
      const other = postgres(url, { max: 2, onnotice: () => {} });
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      let theirs!: { id: string; seq: number };
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => {
        locked = r;
      });
      const tx = other.begin(async (q) => {
        const [chat] =
          await q`update chats set last_seq = last_seq + 1 where id = ${room} returning last_seq`;
        const [row] = (await q`insert into messages (chat_id, seq, author_id, client_id, body)
          values (${room}, ${chat!.last_seq}, ${alice.user.id}, ${clientId}, 'theirs')
          returning id, seq`) as unknown as Array<{ id: string; seq: number }>;
        theirs = row!;
        locked();
        await held;
      });
      await isLocked;
      const ours = run();
      // Commit theirs only once our statement is waiting for the chat's row lock.
      for (let i = 0; i < 200; i++) {
        const [w] = await other`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`;
        if (w!.n > 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      release();
      await tx;
      await other.end();
      return { ours: await ours, theirs };
    }

    it('a single send returns their message, no seq burned', async () => {
      const messages = repo();
      const { ours, theirs } = await racing(() => messages.send(input(alice, room, 'K', 'ours')), 'K');
      expect(ours).toMatchObject({ created: false, message: { id: theirs.id, seq: 1, body: 'theirs' } });
      expect((await messages.send(input(alice, room)))?.message.seq).toBe(2);
    });

    it('inside a batch: their message for that send, the others stored, no gap anywhere', async () => {
      const messages = repo();
      const { ours, theirs } = await racing(async () => {
        const filler = messages.send(input(alice, spare)); // takes the slot; the next two batch
        const batch = [messages.send(input(alice, other)), messages.send(input(alice, room, 'K', 'ours'))];
        await filler;
        return Promise.all(batch);
      }, 'K');
      const [inOther, k] = ours as Awaited<ReturnType<ReturnType<typeof repo>['send']>>[];
      expect(batches[1]).toBe(2);
      expect(k).toMatchObject({ created: false, message: { id: theirs.id, seq: 1 } });
      expect(inOther).toMatchObject({ created: true, message: { seq: 1 } });
      expect((await stored(other)).map((m) => m.seq)).toEqual([1]);
      expect(await lastSeq(other)).toBe(1);
      expect(await lastSeq(room)).toBe(1);
    });
  });
});
