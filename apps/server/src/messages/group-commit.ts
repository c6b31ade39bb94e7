/**
 * Group commit: concurrent calls share one database round trip and one COMMIT. While fewer than
 * `concurrency` batches are in flight a call runs at once, so an idle server adds no latency;
 * under load calls queue, and each slot that frees takes up to `maxBatch` of them together.
 * Batches grow exactly when the database is the bottleneck, which is when they pay.
 */
export function createGroupCommit<I, O>(opts: {
  concurrency: number;
  maxBatch: number;
  /** One outcome per item, in the items' order. A rejection fails the whole batch. */
  run: (items: I[]) => Promise<Array<PromiseSettledResult<O>>>;
  onBatch?: (size: number) => void;
}) {
  interface Waiting {
    item: I;
    resolve: (value: O) => void;
    reject: (reason: unknown) => void;
  }
  const queue: Waiting[] = [];
  let inFlight = 0;

  function settle(batch: Waiting[], outcomes: Array<PromiseSettledResult<O>>) {
    batch.forEach((w, i) => {
      const outcome = outcomes[i];
      if (outcome?.status === 'fulfilled') w.resolve(outcome.value);
      else w.reject(outcome ? outcome.reason : new Error('group commit: no outcome for an item'));
    });
  }

  function pump() {
    while (inFlight < opts.concurrency && queue.length > 0) {
      const batch = queue.splice(0, opts.maxBatch);
      inFlight++;
      opts.onBatch?.(batch.length);
      opts
        .run(batch.map((w) => w.item))
        .then(
          (outcomes) => settle(batch, outcomes),
          (err: unknown) => {
            for (const w of batch) w.reject(err);
          },
        )
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  }

  return {
    submit(item: I): Promise<O> {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        pump();
      });
    },
  };
}
