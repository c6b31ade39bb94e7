import { sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { rowsOf } from './ids.js';

/** autovacuum's own rule (autovacuum_analyze_threshold 50, autovacuum_analyze_scale_factor 0.1). */
const BASE = 50;
const SCALE = 0.1;

/**
 * ANALYZEs each of our tables that changed by more than autovacuum's threshold since its last
 * analysis, and answers their names.
 *
 * PGlite runs no autovacuum, so without this its statistics stay what they were when a table was
 * first analyzed (drizzle/0013 analyzes `messages`, empty on a new install), and the plans a
 * session keeps stay the ones made for an empty table: `send_messages()` then looked a send's
 * clientId up through `(chat_id, created_at)`, reading every message of the chat on each send.
 * An ANALYZE also makes the session plan those statements again.
 */
export async function analyzeWhereStale(db: Pick<Db, 'execute'>): Promise<string[]> {
  // This session's own changes count too (PGlite has only the one): flushed when it goes idle.
  await db.execute(sql`select pg_stat_force_next_flush()`);
  const stale = rowsOf<{ name: string }>(
    await db.execute(sql`
      select s.relname as name
        from pg_stat_user_tables s join pg_class c on c.oid = s.relid
       where s.schemaname = 'public'
         and s.n_mod_since_analyze > ${BASE} + ${SCALE} * greatest(c.reltuples, 0)
       order by s.relname`),
  ).map((r) => r.name);
  for (const name of stale) await db.execute(sql`analyze ${sql.identifier(name)}`);
  return stale;
}

/** Every `everyMs` while the embedded database is open; a failure waits for the next round. */
export function startAutoanalyze(
  db: Pick<Db, 'execute'>,
  everyMs: number,
  log?: { warn(obj: object, msg: string): void },
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    analyzeWhereStale(db)
      .catch((err: unknown) => log?.warn({ err: { message: (err as Error).message } }, 'autoanalyze failed'))
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
