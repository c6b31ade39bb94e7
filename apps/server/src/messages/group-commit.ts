/**
 * Group commit: concurrent calls share one database round trip and one COMMIT. While fewer than
 * `concurrency` batches are in flight a call runs at once, so an idle server adds no latency;
 * under load calls queue, and each slot that frees takes up to `maxBatch` of them together.
 * Batches grow exactly when the database is the bottleneck, which is when they pay.
 *
 * With `keyOf` (a send's chat), no two batches in flight share a key. Two batches of one chat
 * would take turns on its row lock anyway; in flight together, the second only waited on the
 * lock inside Postgres, and their commits could publish out of order, which the hub repairs
 * with a read of the chat's changes. Held back, the calls of a busy chat join its next batch:
 * one chat in a closed loop, server CPU per delivery −13 to −16 %, Postgres CPU per send −30 %
 * (docs/BENCHMARKS.md › Issue #16, 2026-12-01, third session).
 */
export function createGroupCommit<I, O>(opts: {
  concurrency: number;
  maxBatch: number;
  /** One outcome per item, in the items' order. A rejection fails the whole batch. */
  run: (items: I[]) => Promise<Array<PromiseSettledResult<O>>>;
  keyOf?: (item: I) => string;
  onBatch?: (size: number) => void;
}) {
  interface Waiting {
    item: I;
    key: string | undefined;
    resolve: (value: O) => void;
    reject: (reason: unknown) => void;
  }
  // Arrival order. Whenever a slot is free, everything here waits on a key in flight.
  let queue: Waiting[] = [];
  let inFlight = 0;
  /** The keys of the batches in flight (each in one batch at most). */
  const busy = new Set<string>();

  function settle(batch: Waiting[], outcomes: Array<PromiseSettledResult<O>>) {
    batch.forEach((w, i) => {
      const outcome = outcomes[i];
      if (outcome?.status === 'fulfilled') w.resolve(outcome.value);
      else w.reject(outcome ? outcome.reason : new Error('group commit: no outcome for an item'));
    });
  }

  function start(batch: Waiting[]) {
    inFlight++;
    const keys = new Set<string>();
    for (const w of batch) if (w.key !== undefined) keys.add(w.key);
    for (const k of keys) busy.add(k);
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
        for (const k of keys) busy.delete(k);
        pump();
      });
  }

  /** Fills free slots from the queue, in arrival order, skipping calls whose key is in flight. */
  function pump() {
    while (inFlight < opts.concurrency && queue.length > 0) {
      const batch: Waiting[] = [];
      const rest: Waiting[] = [];
      // Each key keeps its order: a call is left behind only while its key is in flight (so
      // are the later ones of that key) or once the batch is full (so is everything after it).
      for (const w of queue) {
        if (batch.length < opts.maxBatch && (w.key === undefined || !busy.has(w.key))) batch.push(w);
        else rest.push(w);
      }
      queue = rest;
      if (batch.length === 0) return;
      start(batch);
    }
  }

  return {
    submit(item: I): Promise<O> {
      return new Promise<O>((resolve, reject) => {
        const w: Waiting = { item, key: opts.keyOf?.(item), resolve, reject };
        // With a slot free, everything queued waits on a key in flight: this call runs at once
        // unless it does too, and the queue need not be read.
        if (inFlight < opts.concurrency && (w.key === undefined || !busy.has(w.key))) start([w]);
        else queue.push(w);
      });
    },
  };
}
