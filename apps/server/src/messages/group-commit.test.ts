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
});
