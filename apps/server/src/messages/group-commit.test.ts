import { describe, expect, it } from 'vitest';
import { createGroupCommit } from './group-commit.js';

/** A runner whose batches finish only when the test says so. */
function manualRunner() {
  const batches: Array<{ items: number[]; finish: () => void; fail: (err: Error) => void }> = [];
  const run = (items: number[]) =>
    new Promise<Array<PromiseSettledResult<number>>>((resolve, reject) => {
      batches.push({
        items,
        finish: () =>
          resolve(
            items.map((n) =>
              n < 0
                ? { status: 'rejected', reason: new Error(`bad ${n}`) }
                : { status: 'fulfilled', value: n * 10 },
            ),
          ),
        fail: reject,
      });
    });
  return { batches, run };
}

const flush = () => new Promise((r) => setImmediate(r));

/** Two slots; items are chat * 100 + n, keyed by their chat. */
const byChat = (run: ReturnType<typeof manualRunner>['run']) =>
  createGroupCommit({ concurrency: 2, maxBatch: 10, run, keyOf: (n: number) => String(Math.floor(n / 100)) });

describe('group commit', () => {
  it('runs a call at once while a slot is free, and batches only what queued behind busy slots', async () => {
    const { batches, run } = manualRunner();
    const sizes: number[] = [];
    const gc = createGroupCommit({ concurrency: 2, maxBatch: 3, run, onBatch: (n) => sizes.push(n) });
    const results = [1, 2, 3, 4, 5, 6, 7].map((n) => gc.submit(n));
    expect(batches.map((b) => b.items)).toEqual([[1], [2]]);
    batches[0]!.finish();
    await flush();
    expect(batches.map((b) => b.items)).toEqual([[1], [2], [3, 4, 5]]);
    batches[1]!.finish();
    await flush();
    expect(batches.map((b) => b.items)).toEqual([[1], [2], [3, 4, 5], [6, 7]]);
    batches[2]!.finish();
    batches[3]!.finish();
    expect(await Promise.all(results)).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(sizes).toEqual([1, 1, 3, 2]);
  });

  it('settles each item on its own outcome; a failed batch rejects its items and frees its slot', async () => {
    const { batches, run } = manualRunner();
    const gc = createGroupCommit({ concurrency: 1, maxBatch: 10, run });
    const first = gc.submit(1);
    const mixed = [2, -3, 4].map((n) => gc.submit(n).catch((err: Error) => err.message));
    batches[0]!.finish();
    await first;
    await flush();
    batches[1]!.finish();
    expect(await Promise.all(mixed)).toEqual([20, 'bad -3', 40]);
    const doomed = gc.submit(5).catch((err: Error) => err.message);
    batches[2]!.fail(new Error('connection lost'));
    expect(await doomed).toBe('connection lost');
    const after = gc.submit(6);
    await flush();
    batches[3]!.finish();
    expect(await after).toBe(60);
  });

  it('[keyed] no two batches in flight share a key; a held-back call joins its key’s next batch, in order', async () => {
    const { batches, run } = manualRunner();
    const gc = byChat(run);
    const results = [101, 102, 201, 103, 202, 301].map((n) => gc.submit(n));
    // 101 runs at once; 102 waits on chat 1 though a slot is free; 201 takes the second slot.
    expect(batches.map((b) => b.items)).toEqual([[101], [201]]);
    batches[1]!.finish();
    await flush();
    // Chat 2's slot frees: chat 1 is still in flight, so its calls stay behind, in order.
    expect(batches.map((b) => b.items)).toEqual([[101], [201], [202, 301]]);
    batches[0]!.finish();
    await flush();
    expect(batches.map((b) => b.items)).toEqual([[101], [201], [202, 301], [102, 103]]);
    for (const b of batches.slice(2)) b.finish();
    expect(await Promise.all(results)).toEqual([1010, 1020, 2010, 1030, 2020, 3010]);
  });

  it('[keyed] a call whose key is free runs at once beside a busy key, and a failed batch frees its keys', async () => {
    const { batches, run } = manualRunner();
    const gc = byChat(run);
    const a = gc.submit(101).catch((err: Error) => err.message);
    const b = gc.submit(102);
    const c = gc.submit(201);
    expect(batches.map((x) => x.items)).toEqual([[101], [201]]);
    batches[0]!.fail(new Error('connection lost'));
    expect(await a).toBe('connection lost');
    await flush();
    expect(batches.map((x) => x.items)).toEqual([[101], [201], [102]]);
    batches[1]!.finish();
    batches[2]!.finish();
    expect(await Promise.all([b, c])).toEqual([1020, 2010]);
  });
});
