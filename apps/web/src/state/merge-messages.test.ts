import { type Message, quoteOf } from '@chatsockets/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTimeline, findGaps, highestSeq, mergeMessages, type PendingMessage } from './merge-messages';

const alice = { id: 'u-alice', username: 'alice' };
const bob = { id: 'u-bob', username: 'bob' };

function msg(seq: number, over: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    chatId: 'c1',
    seq,
    author: seq % 2 ? alice : bob,
    body: `body ${seq}`,
    clientId: `cid-${seq}`,
    createdAt: new Date(Date.UTC(2030, 0, 1, 0, 0, seq)).toISOString(),
    editedAt: null,
    deletedAt: null,
    rev: seq,
    replyTo: null,
    reactions: [],
    pinnedAt: null,
    mentions: [],
    ...over,
  };
}

function pending(clientId: string, createdAt = '2030-01-02T00:00:00.000Z'): PendingMessage {
  return { clientId, chatId: 'c1', authorId: alice.id, body: 'hi', createdAt, status: 'queued' };
}

const seqs = (ms: readonly Message[]) => ms.map((m) => m.seq);

describe('mergeMessages', () => {
  it('[merge] orders by seq and drops duplicates', () => {
    const merged = mergeMessages([msg(1), msg(3)], [msg(3), msg(2), msg(2), msg(5)]);
    expect(seqs(merged)).toEqual([1, 2, 3, 5]);
  });

  it('[merge] returns the same array when nothing is new', () => {
    const current = [msg(1), msg(2)];
    expect(mergeMessages(current, [msg(2), msg(1)])).toBe(current);
    expect(mergeMessages(current, [])).toBe(current);
  });

  it('[merge] keeps the newest version: the higher rev (the later change) wins', () => {
    const edited = msg(2, { body: 'edited', editedAt: '2030-01-01T01:00:00.000Z', rev: 10 });
    const deleted = msg(2, { body: '', deletedAt: '2030-01-01T02:00:00.000Z', rev: 11 });
    expect(mergeMessages([msg(2)], [edited])[0]).toBe(edited);
    expect(mergeMessages([deleted], [edited])[0]).toBe(deleted);
    expect(mergeMessages([edited], [msg(2)])[0]).toBe(edited);
    const later = msg(2, { body: 'again', editedAt: '2030-01-01T03:00:00.000Z', rev: 12 });
    expect(mergeMessages([edited], [later])[0]).toBe(later);
  });

  it('[quote] a reply quotes its original as held: edited, deleted, or held after it', () => {
    const original = msg(1, { body: '\n  first line  \nsecond' });
    const reply = msg(2, { replyTo: quoteOf(original) });
    expect(reply.replyTo?.preview).toBe('first line');
    // An edit of the original arrives as its change alone; the reply's copy and rev stay as they were.
    const edited = msg(1, { body: 'changed', editedAt: '2030-01-01T01:00:00.000Z', rev: 10 });
    const afterEdit = mergeMessages([original, reply], [edited]);
    expect(afterEdit[1]).toEqual({ ...reply, replyTo: { ...reply.replyTo, preview: 'changed' } });
    const deleted = msg(1, { body: '', deletedAt: '2030-01-01T02:00:00.000Z', rev: 11 });
    const afterDelete = mergeMessages(afterEdit, [deleted]);
    expect(afterDelete[1]?.replyTo).toMatchObject({ preview: '', deleted: true });
    // A reply copy read before the edit, arriving after it, quotes the original as held.
    expect(mergeMessages([edited], [reply])[1]?.replyTo?.preview).toBe('changed');
    // An older copy of the original changes nothing.
    expect(mergeMessages(afterEdit, [original])).toBe(afterEdit);
  });

  it('[gap] finds holes between loaded messages, not before the oldest', () => {
    expect(findGaps([msg(3), msg(4), msg(7), msg(9)])).toEqual([
      { afterSeq: 4, beforeSeq: 7 },
      { afterSeq: 7, beforeSeq: 9 },
    ]);
    expect(findGaps([])).toEqual([]);
    expect(highestSeq([msg(3), msg(9)])).toBe(9);
    expect(highestSeq([])).toBe(0);
  });
});

describe('buildTimeline', () => {
  it('[pending] puts pending copies after confirmed ones, oldest first', () => {
    const items = buildTimeline(
      [msg(1), msg(2)],
      [pending('b', '2030-01-02T00:00:02.000Z'), pending('a', '2030-01-02T00:00:01.000Z')],
    );
    expect(items.map((i) => i.key)).toEqual(['u-alice:cid-1', 'u-bob:cid-2', 'u-alice:a', 'u-alice:b']);
  });

  it('[pending] drops a pending copy once its clientId is confirmed, keeping the same key', () => {
    const confirmed = msg(3, { clientId: 'mine', author: alice });
    const before = buildTimeline([msg(1)], [pending('mine')]);
    const after = buildTimeline([msg(1), confirmed], [pending('mine')]);
    expect(after.map((i) => i.kind)).toEqual(['confirmed', 'confirmed']);
    expect(after[1]?.key).toBe(before[1]?.key);
  });

  it('[pending] does not confuse another author using the same clientId', () => {
    const items = buildTimeline([msg(2, { clientId: 'x', author: bob })], [pending('x')]);
    expect(items.map((i) => i.kind)).toEqual(['confirmed', 'pending']);
  });
});

// Any interleaving of history pages, catch-up and live events, duplicated, reordered, with gaps
// filled later, ends with each seq exactly once, ascending, at its newest version.
describe('mergeMessages property', () => {
  const chatArb = fc.integer({ min: 1, max: 60 }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      // Per seq: 0 = original only, 1 = later edited, 2 = later deleted.
      fates: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: n, maxLength: n }),
      // Per seq: 0 = no reply, k = a reply to the message k seqs before it (if there is one).
      answers: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
    }),
  );

  function versionsOf(seq: number, fate: number, replyTo: Message | undefined): Message[] {
    // Every copy of a reply quotes its original as first sent: edits and deletes of the original
    // leave the reply's copies (and rev) as they were, as on the server.
    const over = replyTo ? { replyTo: quoteOf(replyTo) } : {};
    const versions = [msg(seq, over)];
    if (fate >= 1)
      versions.push(
        msg(seq, { ...over, body: `edited ${seq}`, editedAt: '2030-02-01T00:00:00.000Z', rev: 1000 + seq }),
      );
    if (fate >= 2)
      versions.push(msg(seq, { ...over, body: '', deletedAt: '2030-03-01T00:00:00.000Z', rev: 2000 + seq }));
    return versions;
  }

  /** Every reply whose original is held quotes it as held. */
  function expectQuotesOfHeld(state: readonly Message[]) {
    const bySeq = new Map(state.map((m) => [m.seq, m]));
    for (const m of state) {
      const original = m.replyTo ? bySeq.get(m.replyTo.seq) : undefined;
      if (original) expect(m.replyTo).toEqual(quoteOf(original));
    }
  }

  /** Batches the way they arrive: pages and catch-up are contiguous ranges; live events are single. */
  const deliveriesArb = chatArb.chain(({ n, fates, answers }) => {
    const all: Message[][] = [];
    for (let i = 0; i < n; i++) {
      const k = answers[i]!;
      all.push(versionsOf(i + 1, fates[i]!, k > 0 && i - k >= 0 ? all[i - k]![0] : undefined));
    }
    const range = fc
      .tuple(fc.integer({ min: 1, max: n }), fc.integer({ min: 1, max: n }))
      .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
    const batchArb = fc.oneof(
      // a history page or a subscribe catch-up: a contiguous run of whatever version the server had
      range.chain(([lo, hi]) =>
        fc
          .array(fc.nat(), { minLength: hi - lo + 1, maxLength: hi - lo + 1 })
          .map((picks) => picks.map((p, i) => all[lo - 1 + i]![p % all[lo - 1 + i]!.length]!)),
      ),
      // a live event (created or updated), possibly duplicated
      fc
        .integer({ min: 1, max: n })
        .chain((seq) => fc.nat().map((p) => [all[seq - 1]![p % all[seq - 1]!.length]!, all[seq - 1]![0]!])),
    );
    // Whatever the interleaving, the final gap-fill/catch-up delivers every seq at its latest version.
    const finalFill = all.map((versions) => versions.at(-1)!);
    return fc
      .tuple(fc.array(batchArb, { maxLength: 25 }), fc.shuffledSubarray(finalFill, { minLength: n }))
      .chain(([batches, fill]) =>
        fc.shuffledSubarray([...batches, fill], { minLength: batches.length + 1 }).map((order) => ({
          n,
          all,
          order,
        })),
      );
  });

  it('[merge] each seq appears once, in order, at its newest version', () => {
    fc.assert(
      fc.property(deliveriesArb, ({ n, all, order }) => {
        let state: Message[] = [];
        for (const batch of order) {
          state = mergeMessages(state, batch);
          const s = seqs(state);
          // invariant at every step: strictly ascending, so no seq twice
          for (let i = 1; i < s.length; i++) expect(s[i]!).toBeGreaterThan(s[i - 1]!);
          expectQuotesOfHeld(state);
        }
        expect(seqs(state)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
        expect(findGaps(state)).toEqual([]);
        state.forEach((m, i) => {
          const latest = all[i]!.at(-1)!;
          // A reply ends up quoting its original's latest version.
          const original = latest.replyTo ? all[latest.replyTo.seq - 1]!.at(-1)! : undefined;
          expect(m).toEqual(original ? { ...latest, replyTo: quoteOf(original) } : latest);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('[pending] a clientId never shows twice, whatever was confirmed', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 30 }), { maxLength: 30 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 30 }), { maxLength: 30 }),
        (confirmedSeqs, pendingIds) => {
          const confirmed = mergeMessages(
            [],
            confirmedSeqs.map((s) => msg(s, { author: alice, clientId: `c${s}` })),
          );
          const items = buildTimeline(
            confirmed,
            pendingIds.map((p) => pending(`c${p}`)),
          );
          const keys = items.map((i) => i.key);
          expect(new Set(keys).size).toBe(keys.length);
          const firstPending = items.findIndex((i) => i.kind === 'pending');
          if (firstPending >= 0)
            expect(items.slice(firstPending).every((i) => i.kind === 'pending')).toBe(true);
        },
      ),
    );
  });
});
