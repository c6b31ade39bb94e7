import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { createScratchDatabase, drivers } from '../../test/drivers.js';
import { waitFor } from '../../test/wait.js';
import { loadConfig } from '../config.js';
import { maintainWhereAutovacuumIsOff, startAutovacuum } from './autovacuum.js';
import { openDatabase } from './client.js';
import { rowsOf } from './ids.js';

describe.skipIf(!drivers().includes('postgres'))('autovacuum on postgres', () => {
  it('[autovacuum] the server vacuums and analyzes a table autovacuum skips, by autovacuum’s rules', async () => {
    const scratch = await createScratchDatabase();
    const config = loadConfig({ DATABASE_URL: scratch.url });
    const database = await openDatabase({ ...config.db, autovacuumMs: 20 } as typeof config.db);
    const run = (q: ReturnType<typeof sql>) => database.db.execute(q);
    try {
      await run(sql`create table maintenance_probe (x int) with (autovacuum_enabled = off)`);
      await run(sql`insert into maintenance_probe select generate_series(1, 2000)`);
      await run(sql`delete from maintenance_probe where x <= 1000`);
      await run(sql`select pg_stat_force_next_flush()`);
      // A round may run between the insert and the delete: a later one owes the dead rows.
      await waitFor('a round to vacuum the dead rows', async () => {
        const [t] = rowsOf<{ vacuumed: boolean; analyzed: boolean; dead: number }>(
          await run(sql`select last_vacuum is not null as vacuumed, last_analyze is not null as analyzed,
                               n_dead_tup::int as dead
                          from pg_stat_user_tables where relname = 'maintenance_probe'`),
        );
        return Boolean(t?.vacuumed && t.analyzed && t.dead === 0);
      });
      const [after] = rowsOf<{ dead: number }>(
        await run(
          sql`select n_dead_tup::int as dead from pg_stat_user_tables where relname = 'maintenance_probe'`,
        ),
      );
      expect(after?.dead).toBe(0);
    } finally {
      await database.close();
      await scratch.drop();
    }
  });

  it('[autovacuum] instances take turns: a round is skipped while another instance holds it', async () => {
    const scratch = await createScratchDatabase();
    const config = loadConfig({ DATABASE_URL: scratch.url });
    const database = await openDatabase({ ...config.db, autovacuumMs: 0 } as typeof config.db);
    const other = postgres(scratch.url, { max: 1, onnotice: () => {} });
    try {
      await database.db.execute(sql`create table maintenance_probe (x int) with (autovacuum_enabled = off)`);
      await database.db.execute(sql`insert into maintenance_probe select generate_series(1, 2000)`);
      await database.db.execute(sql`select pg_stat_force_next_flush()`);
      const [held] = await other`select pg_try_advisory_lock(7204312) as mine`;
      expect(held?.mine).toBe(true);
      expect(await maintainWhereAutovacuumIsOff(database.db, scratch.url)).toBeUndefined();
      await other`select pg_advisory_unlock(7204312)`;
      const done = await maintainWhereAutovacuumIsOff(database.db, scratch.url);
      expect(done?.analyzed).toContain('maintenance_probe');
      // The round let go of it.
      const [again] = await other`select pg_try_advisory_lock(7204312) as mine`;
      expect(again?.mine).toBe(true);
      // Behind a pooler in transaction mode (DB_PREPARE=false) no session lock is taken: one
      // left on a pooled connection would stop every instance's rounds for good.
      await database.db.execute(sql`insert into maintenance_probe select generate_series(1, 2000)`);
      await database.db.execute(sql`select pg_stat_force_next_flush()`);
      const unlocked = await maintainWhereAutovacuumIsOff(database.db, scratch.url, { sessionLocks: false });
      expect(unlocked?.analyzed).toContain('maintenance_probe');
    } finally {
      await other.end({ timeout: 5 });
      await database.close();
      await scratch.drop();
    }
  });
});

describe('maintenance rounds', () => {
  it('[autovacuum] stopping waits for the round in flight: the database closes after it, not under it', async () => {
    let started = () => {};
    const running = new Promise<void>((r) => (started = r));
    let finish = () => {};
    const held = new Promise<void>((r) => (finish = r));
    let rounds = 0;
    const stop = startAutovacuum(async () => {
      rounds++;
      started();
      await held;
    }, 1);
    await running;
    let stopped = false;
    const stopping = stop().then(() => (stopped = true));
    // Sentinel: a macrotask later the round is still held, and so is the stop.
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(stopped).toBe(true);
    expect(rounds).toBe(1);
  });
});
