import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { Config } from '../config.js';
import { isUnavailable } from '../errors.js';
import { maintainWhereAutovacuumIsOff, startAutovacuum, vacuumAndAnalyzeWhereDue } from './autovacuum.js';
import { lockPgliteDir } from './pglite-lock.js';
import { PgliteThread } from './pglite-thread.js';
import { preparing } from './prepared.js';
import { schema } from './schema.js';

/** One type for postgres-js, PGlite and a transaction: repositories are written against it. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  driver: 'postgres' | 'pglite';
  /** True when a trivial query answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../../drizzle', import.meta.url));
/** How often the tables autovacuum does not serve are checked for a due VACUUM or ANALYZE (a read of counters). */
const AUTOVACUUM_EVERY_MS = 10_000;
// Several instances may start at once: one migrates while the others wait on this lock.
const MIGRATION_LOCK_KEY = 7_204_311;

export interface OpenOptions {
  /** How long start-up waits for an unreachable Postgres, retrying, before it gives up. */
  waitMs?: number;
  log?: { warn(obj: object, msg: string): void; info?(obj: object, msg: string): void };
}

export async function openDatabase(config: Config['db'], opts: OpenOptions = {}): Promise<Database> {
  return config.driver === 'postgres'
    ? openPostgres(config, opts)
    : openPglite(config.dir, config.fsync ?? true, config.autovacuumMs ?? AUTOVACUUM_EVERY_MS, opts.log);
}

/** A server started while Postgres is down waits for it (with backoff) instead of exiting. */
async function migrateWhenReachable(
  config: Extract<Config['db'], { driver: 'postgres' }>,
  opts: OpenOptions,
) {
  const giveUpAt = Date.now() + (opts.waitMs ?? 0);
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateWithLock(config.url);
    } catch (err) {
      if (!isUnavailable(err) || Date.now() >= giveUpAt) throw err;
      opts.log?.warn(
        { attempt, err: { message: (err as Error).message } },
        'database unreachable at start-up; retrying',
      );
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)));
    }
  }
}

async function openPostgres(
  config: Extract<Config['db'], { driver: 'postgres' }>,
  opts: OpenOptions,
): Promise<Database> {
  await migrateWhenReachable(config, opts);
  const client = postgres(config.url, {
    max: config.poolMax,
    prepare: config.prepare,
    onnotice: () => {},
    connect_timeout: 5,
    idle_timeout: 60,
    connection: { statement_timeout: config.statementTimeoutMs, application_name: 'chatsockets' },
  });
  const db = drizzlePostgres(config.prepare ? preparing(client) : client, { schema, casing: 'snake_case' });
  // Without autovacuum a send keeps the plans made for a new, empty database and reads its whole
  // chat each time (docs/BENCHMARKS.md › Issue #16, 2026-12-01, third session): the server stands in for it.
  const everyMs = config.autovacuumMs ?? AUTOVACUUM_EVERY_MS;
  const stopAutovacuum =
    everyMs > 0
      ? startAutovacuum(
          async () => {
            const done = await maintainWhereAutovacuumIsOff(db as unknown as Db, config.url, {
              sessionLocks: config.prepare,
            });
            if (done && (done.analyzed.length || done.vacuumed.length)) {
              opts.log?.info?.(done, 'maintained the tables that autovacuum skips');
            }
          },
          everyMs,
          opts.log,
        )
      : async () => {};
  return {
    db: db as unknown as Db,
    driver: 'postgres',
    ping: () => pingWith(db as unknown as Db),
    close: async () => {
      await stopAutovacuum();
      await client.end({ timeout: 5 });
    },
  };
}

async function migrateWithLock(url: string) {
  // One connection holds the lock for the whole migration (a pooled client could hop connections).
  const migrator = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await migrator`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await migratePostgres(drizzlePostgres(migrator, { schema, casing: 'snake_case' }), {
      migrationsFolder: MIGRATIONS_FOLDER,
    });
  } finally {
    await migrator.end({ timeout: 5 });
  }
}

async function openPglite(
  dir: string | undefined,
  fsync: boolean,
  autovacuumMs: number,
  log: OpenOptions['log'],
): Promise<Database> {
  if (dir) mkdirSync(dir, { recursive: true });
  const unlock = dir ? lockPgliteDir(dir) : () => {};
  try {
    // PGlite and its migrations run on a thread of their own (pglite-thread.ts): the event loop
    // never executes a statement or waits on an fsync.
    const client = await PgliteThread.open({ dir, fsync, migrationsFolder: MIGRATIONS_FOLDER });
    const db = drizzlePglite(client.asPglite(), { schema, casing: 'snake_case' });
    // PGlite has no autovacuum: its tables are vacuumed and analyzed from here.
    const stopAutovacuum =
      autovacuumMs > 0
        ? startAutovacuum(() => vacuumAndAnalyzeWhereDue(db as unknown as Db), autovacuumMs, log)
        : async () => {};
    return {
      db: db as unknown as Db,
      driver: 'pglite',
      ping: () => pingWith(db as unknown as Db),
      close: async () => {
        await stopAutovacuum();
        try {
          await client.close();
        } finally {
          unlock();
        }
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}

/** Bounded: a hung database is "down" within a second, well inside any request deadline. */
async function pingWith(db: Db, timeoutMs = 1000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const ping = db.execute(sql`select 1`).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
