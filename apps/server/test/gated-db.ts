import { sql } from 'drizzle-orm';
import type { Db } from '../src/db/client.js';

/**
 * The app's database, except that its next transaction stops at a gate once it has begun (its
 * `now()` is taken, no lock yet): `begun` resolves then, and `open()` lets it go on. A test runs
 * other work in between to put a transaction's start before something it locks after.
 * Postgres only: PGlite runs one transaction at a time, so the other work would wait on this one.
 */
export function gatedDb(db: Db): { db: Db; begun: Promise<void>; open: () => void } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let entered!: () => void;
  const begun = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const gated: Db = Object.assign(Object.create(db) as Db, {
    transaction: (change: Parameters<Db['transaction']>[0]) =>
      db.transaction(async (tx) => {
        await tx.execute(sql`select 1`);
        entered();
        await gate;
        return change(tx);
      }),
  });
  return { db: gated, begun, open };
}
