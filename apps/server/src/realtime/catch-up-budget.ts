/**
 * A `subscribe` reply must fit in the socket's send buffer: one larger than its cap closes the
 * socket with 1013 as a slow reader before a byte is read, and again after every reconnect, as
 * the catch-up is the same each time. 200 messages may hold far more than the cap (a body is
 * 4 000 characters after trimming, and its padding counts only against the 64 KiB frame limit).
 * So the catch-up is cut to a byte budget, and `hasMore` sends the client on to page the rest
 * over HTTP, as it does past 200 (PROTOCOL.md › Which messages `subscribe` returns as `missed`).
 */
export function withinBudget<M, C, T extends { missed: M[]; changes: C[]; hasMore: boolean }>(
  caughtUp: T,
  budgetBytes: number,
): T {
  const missed = prefixWithin(caughtUp.missed, budgetBytes);
  const changes = prefixWithin(caughtUp.changes, budgetBytes);
  if (missed.length === caughtUp.missed.length && changes.length === caughtUp.changes.length) return caughtUp;
  return { ...caughtUp, missed, changes, hasMore: true };
}

/** The longest prefix whose JSON fits in `budgetBytes`; never empty, so a client always moves on. */
function prefixWithin<I>(items: I[], budgetBytes: number): I[] {
  let used = 0;
  for (let i = 0; i < items.length; i++) {
    used += Buffer.byteLength(JSON.stringify(items[i])) + 1;
    if (used > budgetBytes && i > 0) return items.slice(0, i);
  }
  return items;
}
