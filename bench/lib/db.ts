import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { onCleanup } from './cleanup.js';
import { option } from './stats.js';

/** The admin connection: Postgres on this machine, trust auth (override with BENCH_PG_ADMIN_URL). */
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ThrowawayDb {
  name: string;
  url: string;
  /** A client on the throwaway database, for the checks at the end. */
  sql: postgres.Sql;
  /** Postgres processes that work for this database: its backends and the shared background ones. */
  postgresPids(): Promise<Set<number>>;
  drop(): Promise<void>;
}

/** `create database chatsockets_bench_<random>`; `drop()` closes every connection and drops it. */
export async function createThrowawayDb(): Promise<ThrowawayDb> {
  const host = new URL(ADMIN_URL).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost') throw new Error('benchmarks only talk to 127.0.0.1');
  const name = `chatsockets_bench_${randomBytes(6).toString('hex')}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const sql = postgres(url.toString(), { max: 2, onnotice: () => {} });
  let dropped = false;
  return {
    name,
    url: url.toString(),
    sql,
    async postgresPids() {
      const rows = await admin<Array<{ pid: number }>>`
        select pid from pg_stat_activity
        where datname = ${name} or backend_type not in ('client backend', 'walsender')`;
      return new Set(rows.map((r) => r.pid));
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      await sql.end({ timeout: 5 }).catch(() => {});
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

/**
 * `--db=pglite`: our server on the embedded default (PGlite in its worker thread) in a fresh,
 * durable data directory, removed at cleanup. Undefined: on the throwaway Postgres database.
 */
export function pgliteDirOption(): string | undefined {
  if (option('db') !== 'pglite') return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'chatsockets-bench-pglite-'));
  onCleanup(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
