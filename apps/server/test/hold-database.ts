import { sql } from 'drizzle-orm';
import type { TestContext } from './build-test-app.js';

/**
 * Holds the database until the returned function is called; resolves once held. On Postgres,
 * `tables` are locked (what waits on them waits, until its statement timeout); PGlite has one
 * connection, so every query waits. The release resolves once the holding transaction ended.
 */
export async function holdDatabase(t: TestContext, tables: string[]): Promise<() => Promise<void>> {
  let release = () => {};
  let held = () => {};
  const holding = new Promise<void>((r) => {
    held = r;
  });
  const gate = t.database.db.transaction(async (tx) => {
    if (t.driver === 'postgres')
      await tx.execute(sql.raw(`lock table ${tables.join(', ')} in access exclusive mode`));
    held();
    await new Promise<void>((r) => {
      release = r;
    });
  });
  await holding;
  return async () => {
    release();
    await gate;
  };
}
