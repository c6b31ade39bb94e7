import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUnavailable, isUniqueViolation, sqlState } from '../errors.js';
import { type Database, openDatabase } from './client.js';
import { rowsOf } from './ids.js';

describe('the embedded database runs on its own thread', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ driver: 'pglite', dir: undefined });
    await database.db.execute(sql`create table thread_probe (id int primary key, v text)`);
  });
  afterAll(() => database?.close());

  it('[pglite-thread] the event loop keeps turning while a statement runs', async () => {
    let turns = 0;
    let done = false;
    const query = database.db.execute(sql`select pg_sleep(0.3)`).finally(() => {
      done = true;
    });
    // In-process PGlite runs the statement on this thread: not one turn until it returns.
    while (!done) {
      await new Promise((r) => setImmediate(r));
      turns++;
    }
    await query;
    expect(turns).toBeGreaterThan(5);
  });

  it('[pglite-thread] driver errors keep their SQLSTATE and constraint across the thread', async () => {
    await database.db.execute(sql`insert into thread_probe values (1, 'a')`);
    const err = await database.db.execute(sql`insert into thread_probe values (1, 'b')`).catch((e) => e);
    expect(sqlState(err)).toBe('23505');
    expect(isUniqueViolation(err, 'thread_probe_pkey')).toBe(true);
    expect(isUnavailable(err)).toBe(false);
  });

  it('[pglite-thread] a transaction is one session: it rolls back on a throw, and others wait for it', async () => {
    await database.db
      .transaction(async (tx) => {
        await tx.execute(sql`insert into thread_probe values (2, 'rolled back')`);
        throw new Error('abort');
      })
      .catch(() => {});
    let outsideSaw: unknown;
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`insert into thread_probe values (3, 'inside')`);
      // Queued behind the open transaction, so it sees its commit, never a half of it.
      const outside = database.db.execute(sql`select count(*)::int as n from thread_probe where id = 3`);
      outside.then((r) => {
        outsideSaw = rowsOf<{ n: number }>(r)[0]?.n;
      });
      await tx.execute(sql`update thread_probe set v = 'inside, updated' where id = 3`);
      expect(outsideSaw).toBeUndefined();
    });
    const rows = rowsOf<{ id: number; v: string }>(
      await database.db.execute(sql`select id, v from thread_probe where id in (2, 3) order by id`),
    );
    expect(rows).toEqual([{ id: 3, v: 'inside, updated' }]);
    await expect.poll(() => outsideSaw).toBe(1);
  });

  it('[pglite-thread] after close every call fails as unavailable, not as a hang', async () => {
    const other = await openDatabase({ driver: 'pglite', dir: undefined });
    await other.close();
    const err = await other.db.execute(sql`select 1`).catch((e) => e);
    expect(isUnavailable(err)).toBe(true);
    expect(await other.ping()).toBe(false);
  });
});
