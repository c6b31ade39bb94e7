import { sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { rowsOf } from './ids.js';

/**
 * PGlite runs no autovacuum (it is Postgres in single-user mode), so the embedded database does
 * here what autovacuum would, by autovacuum's own default rules:
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
/** Overridable so that a test can reach the freeze rule without 150 million transactions. */
const FREEZE_AGE = 150_000_000;

export interface Maintained {
  vacuumed: string[];
  analyzed: string[];
}

/** Runs what is due now on our tables (schema `public`) and answers which tables got what. */
export async function vacuumAndAnalyzeWhereDue(
  db: Pick<Db, 'execute'>,
  freezeAge = FREEZE_AGE,
): Promise<Maintained> {
  // This session's own changes count too (PGlite has only the one): flushed when it goes idle.
  await db.execute(sql`select pg_stat_force_next_flush()`);
  const due = rowsOf<{ name: string; vacuum: boolean; freeze: boolean; analyze: boolean }>(
    await db.execute(sql`
      select s.relname as name,
             (s.n_dead_tup > ${VACUUM_BASE} + ${VACUUM_SCALE} * greatest(c.reltuples, 0)
              or s.n_ins_since_vacuum > ${INSERT_BASE} + ${VACUUM_SCALE} * greatest(c.reltuples, 0)) as vacuum,
             age(c.relfrozenxid) > ${freezeAge} as freeze,
             s.n_mod_since_analyze > ${ANALYZE_BASE} + ${ANALYZE_SCALE} * greatest(c.reltuples, 0) as analyze
        from pg_stat_user_tables s join pg_class c on c.oid = s.relid
       where s.schemaname = 'public'
       order by s.relname`),
  );
  const done: Maintained = { vacuumed: [], analyzed: [] };
  for (const t of due) {
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

/** Every `everyMs` while the embedded database is open; a failure waits for the next round. */
export function startAutovacuum(
  db: Pick<Db, 'execute'>,
  everyMs: number,
  log?: { warn(obj: object, msg: string): void },
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    vacuumAndAnalyzeWhereDue(db)
      .catch((err: unknown) => log?.warn({ err: { message: (err as Error).message } }, 'autovacuum failed'))
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
