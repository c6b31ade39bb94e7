import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { Config } from '../config.js';
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
// Several instances may start at once: one migrates while the others wait on this lock.
const MIGRATION_LOCK_KEY = 7_204_311;

export async function openDatabase(config: Config['db']): Promise<Database> {
  return config.driver === 'postgres' ? openPostgres(config) : openPglite(config.dir);
}

async function openPostgres(config: Extract<Config['db'], { driver: 'postgres' }>): Promise<Database> {
  const client = postgres(config.url, {
    max: config.poolMax,
    prepare: config.prepare,
    onnotice: () => {},
    connect_timeout: 5,
    idle_timeout: 60,
    connection: { statement_timeout: config.statementTimeoutMs, application_name: 'chatsockets' },
  });
  const db = drizzlePostgres(client, { schema, casing: 'snake_case' });
  // One connection holds the lock for the whole migration (a pooled client could hop connections).
  const migrator = postgres(config.url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await migrator`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await migratePostgres(drizzlePostgres(migrator, { schema, casing: 'snake_case' }), {
      migrationsFolder: MIGRATIONS_FOLDER,
    });
  } finally {
    await migrator.end({ timeout: 5 });
  }
  return {
    db: db as unknown as Db,
    driver: 'postgres',
    ping: () => pingWith(db as unknown as Db),
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dir: string | undefined): Promise<Database> {
  if (dir) mkdirSync(dir, { recursive: true });
  const client = new PGlite(dir);
  const db = drizzlePglite(client, { schema, casing: 'snake_case' });
  await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return {
    db: db as unknown as Db,
    driver: 'pglite',
    ping: () => pingWith(db as unknown as Db),
    close: () => client.close(),
  };
}

async function pingWith(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
