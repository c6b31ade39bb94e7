import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Db } from './client.js';
import { rowsOf } from './ids.js';

/**
 * PGlite runs no autovacuum (it is Postgres in single-user mode), and a Postgres may run without
 * it (`autovacuum = off`, as on the machine our benchmarks run on, or off for a table), so the
 * server does here what autovacuum would, by autovacuum's own default rules:
 *
 * - ANALYZE a table changed by more than 50 + 10 % of its rows since its last analysis. Without
 *   it the statistics stay those of a table's first analysis (drizzle/0013 analyzes `messages`,
 *   empty on a new install), and the plans a session keeps stay the ones made for an empty table:
 *   `send_messages()` looked a send's clientId up through `(chat_id, created_at)`, reading every
 *   message of the chat on each send. An ANALYZE also makes the session plan them again.
 * - VACUUM a table with more than 50 + 20 % of its rows dead (every send rewrites its chat's row
 *   and the author's membership), or 1 000 + 20 % inserted since its last vacuum, so pages are
 *   reused and marked all-visible.
 * - VACUUM (FREEZE) a table whose oldest transaction id is 150 million transactions old: without
 *   it the database would stop accepting writes at about 2 billion, to avoid wraparound.
 */
const ANALYZE_BASE = 50;
const ANALYZE_SCALE = 0.1;
const VACUUM_BASE = 50;
const VACUUM_SCALE = 0.2;
const INSERT_BASE = 1000;
const FREEZE_AGE = 150_000_000;

export interface Maintained {
  vacuumed: string[];
  analyzed: string[];
}

export interface MaintainOptions {
  /** Overridable so that a test can reach the freeze rule without 150 million transactions. */
  freezeAge?: number;
  /**
   * Count this session's own changes, not yet flushed to the statistics (PGlite has only the
   * one session). A maintenance session of its own changes nothing, and other sessions flush
   * theirs within a second of going idle.
   */
  flushOwn?: boolean;
  /** Only the tables Postgres' autovacuum skips: all of them when it is off, or those with `autovacuum_enabled = false`. */
  onlyWithoutAutovacuum?: boolean;
}

type Due = { name: string; vacuum: boolean; freeze: boolean; analyze: boolean };

/** Our tables (schema `public`) with something due now, and what. */
async function dueTables(
  db: Pick<Db, 'execute'>,
  { freezeAge = FREEZE_AGE, onlyWithoutAutovacuum = false }: MaintainOptions,
): Promise<Due[]> {
  return rowsOf<Due>(
    await db.execute(sql`
      select * from (
        select s.relname as name,
               (s.n_dead_tup > ${VACUUM_BASE} + ${VACUUM_SCALE} * greatest(c.reltuples, 0)
                or s.n_ins_since_vacuum > ${INSERT_BASE} + ${VACUUM_SCALE} * greatest(c.reltuples, 0)) as vacuum,
               age(c.relfrozenxid) > ${freezeAge} as freeze,
               s.n_mod_since_analyze > ${ANALYZE_BASE} + ${ANALYZE_SCALE} * greatest(c.reltuples, 0) as analyze
          from pg_stat_user_tables s join pg_class c on c.oid = s.relid
         where s.schemaname = 'public'
           and (not ${onlyWithoutAutovacuum}
                or current_setting('autovacuum') = 'off'
                or exists (select 1 from unnest(c.reloptions) o
                            where o ~* '^autovacuum_enabled=(f|false|off|n|no|0)$'))) t
       where t.vacuum or t.freeze or t.analyze
       order by t.name`),
  );
}

/** Runs what is due now on our tables and answers which tables got what. */
export async function vacuumAndAnalyzeWhereDue(
  db: Pick<Db, 'execute'>,
  opts: MaintainOptions = {},
): Promise<Maintained> {
  if (opts.flushOwn ?? true) await db.execute(sql`select pg_stat_force_next_flush()`);
  const done: Maintained = { vacuumed: [], analyzed: [] };
  for (const t of await dueTables(db, opts)) {
    const table = sql.identifier(t.name);
    if (t.freeze) await db.execute(sql`vacuum (freeze) ${table}`);
    else if (t.vacuum) await db.execute(sql`vacuum ${table}`);
    if (t.freeze || t.vacuum) done.vacuumed.push(t.name);
    if (t.analyze) {
      await db.execute(sql`analyze ${table}`);
      done.analyzed.push(t.name);
    }
  }
  return done;
}

/** Held by the instance maintaining a Postgres database, so that several instances take turns. */
const MAINTENANCE_LOCK_KEY = 7_204_312;

/**
 * One round on Postgres, on the tables autovacuum skips. While autovacuum runs there are none,
 * and a round is one query on the pool. When something is due, the round takes a connection of
 * its own: a session lock makes instances take turns (`undefined`: another instance holds it),
 * and a VACUUM of a large table runs longer than the pool's statement timeout allows. Under the
 * lock it reads what is due again, since the instance before it may have just done it.
 *
 * `sessionLocks: false` (`DB_PREPARE=false`, a pooler in transaction mode): the pooler keeps
 * the lock on whichever server connection ran it, long after this client has gone, and no
 * instance would get it again. Then every instance runs its rounds unlocked: two VACUUMs of one
 * table queue on its lock, and the second finds little left to do.
 */
export async function maintainWhereAutovacuumIsOff(
  pool: Pick<Db, 'execute'>,
  url: string,
  { sessionLocks = true }: { sessionLocks?: boolean } = {},
): Promise<Maintained | undefined> {
  const opts: MaintainOptions = { flushOwn: false, onlyWithoutAutovacuum: true };
  if ((await dueTables(pool, opts)).length === 0) return { vacuumed: [], analyzed: [] };
  const own = postgres(url, {
    max: 1,
    onnotice: () => {},
    connect_timeout: 5,
    // No array types to parse here. postgres.js reads them on connecting, and a connection cut
    // during that read rejected a promise nobody held (an unhandled rejection).
    fetch_types: false,
    // What an operator sees in pg_stat_activity while a round runs.
    connection: { application_name: 'chatsockets maintenance' },
  });
  try {
    if (sessionLocks) {
      const [lock] = await own<
        { mine: boolean }[]
      >`select pg_try_advisory_lock(${MAINTENANCE_LOCK_KEY}) as mine`;
      if (!lock?.mine) return undefined;
    }
    // The lock is the session's: it goes when this connection ends.
    return await vacuumAndAnalyzeWhereDue(drizzle(own) as unknown as Pick<Db, 'execute'>, opts);
  } finally {
    await own.end({ timeout: 5 });
  }
}

/**
 * `round` every `everyMs` while the database is open, one at a time; a failure waits for the next
 * round. The returned stop resolves once a round in flight has ended: the database is closed (and
 * a test's scratch database dropped) only after it, not under its own connection.
 */
export function startAutovacuum(
  round: () => Promise<unknown>,
  everyMs: number,
  log?: { warn(obj: object, msg: string): void },
): () => Promise<void> {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = round()
      .then(
        () => undefined,
        (err: unknown) => log?.warn({ err: { message: (err as Error).message } }, 'autovacuum failed'),
      )
      .finally(() => {
        running = undefined;
      });
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
