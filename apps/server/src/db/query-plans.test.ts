import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createScratchDatabase, type Driver, drivers } from '../../test/drivers.js';
import { loadConfig } from '../config.js';
import { anyOf } from './any-of.js';
import { vacuumAndAnalyzeWhereDue } from './autovacuum.js';
import { type Database, openDatabase } from './client.js';
import { rowsOf } from './ids.js';
import { usersTable } from './schema.js';

/** The statements this session holds prepared (one connection, so "this session" is the pool). */
const preparedTexts = async (database: Database) =>
  rowsOf<{ statement: string }>(
    await database.db.execute(sql`select statement from pg_prepared_statements`),
  ).map((r) => r.statement);

async function withOneConnection(env: Record<string, string>, fn: (database: Database) => Promise<void>) {
  const scratch = await createScratchDatabase();
  const config = loadConfig({ DATABASE_URL: scratch.url, DB_POOL_MAX: '1', ...env });
  // The tests run VACUUM and ANALYZE themselves; the server's rounds (a Postgres without
  // autovacuum) would race them.
  const database = await openDatabase({ ...config.db, autovacuumMs: 0 } as typeof config.db);
  try {
    await fn(database);
  } finally {
    await database.close();
    await scratch.drop();
  }
}

describe.skipIf(!drivers().includes('postgres'))('prepared statements on postgres', () => {
  it('[prepared] a query with parameters is a named prepared statement, in a transaction too', async () => {
    await withOneConnection({}, async (database) => {
      await database.db.execute(sql`select ${41}::int + 1 as answer`);
      await database.db.transaction(async (tx) => {
        await tx.execute(sql`select ${'x'}::text as in_tx`);
      });
      const texts = await preparedTexts(database);
      expect(texts).toContain('select $1::int + 1 as answer');
      expect(texts).toContain('select $1::text as in_tx');
    });
  });

  it('[prepared] a list of any length is one statement (anyOf), and finds what it should', async () => {
    await withOneConnection({}, async (database) => {
      const ids = ['7b0e5f2e-0000-4000-8000-000000000001', '7b0e5f2e-0000-4000-8000-000000000002'];
      for (const list of [ids.slice(0, 1), ids, [...ids, ids[0]!]]) {
        expect(await database.db.select().from(usersTable).where(anyOf(usersTable.id, list))).toEqual([]);
      }
      const texts = (await preparedTexts(database)).filter((t) => t.includes('= any('));
      expect(texts).toHaveLength(1);
    });
  });

  it('[pool] one query at a time goes to the connection used last, not round the pool', async () => {
    await withOneConnection({ DB_POOL_MAX: '3' }, async (database) => {
      const pid = async () =>
        rowsOf<{ pid: number }>(await database.db.execute(sql`select pg_backend_pid() as pid`))[0]!.pid;
      // Three at once open three connections.
      const opened = new Set(
        await Promise.all(
          [1, 2, 3].map(() =>
            database.db
              .execute(sql`select pg_backend_pid() as pid, pg_sleep(0.05)`)
              .then((r) => rowsOf<{ pid: number }>(r)[0]!.pid),
          ),
        ),
      );
      expect(opened.size).toBe(3);
      const used = new Set<number>();
      for (let n = 0; n < 6; n++) used.add(await pid());
      expect(used.size).toBe(1);
    });
  });

  it('[prepared] DB_PREPARE=false (PgBouncer in transaction mode) prepares nothing', async () => {
    await withOneConnection({ DB_PREPARE: 'false' }, async (database) => {
      await database.db.execute(sql`select ${41}::int + 1 as answer`);
      expect(await preparedTexts(database)).toEqual([]);
    });
  });
});

describe.each(drivers())('send plans on %s', (driver) => {
  /** Postgres on one connection (so this session's counters are the pool's); PGlite has one session. */
  const withDatabase = (d: Driver, fn: (database: Database) => Promise<void>) =>
    d === 'postgres'
      ? withOneConnection({}, fn)
      : // The tests run the ANALYZE themselves; the server's timer would race them.
        openDatabase({ driver: 'pglite', dir: undefined, autovacuumMs: 0 }).then(async (database) => {
          try {
            await fn(database);
          } finally {
            await database.close();
          }
        });

  type Run = (q: ReturnType<typeof sql>) => Promise<unknown>;

  /** A user alone in a chat, inserted directly; answers a lone send of theirs. */
  async function soloChat(run: Run, n: number) {
    const user = `7b0e5f2e-0000-4000-8000-0000000000${n}a`;
    const chat = `7b0e5f2e-0000-4000-8000-0000000000${n}b`;
    await run(sql`insert into users (id, username, password_hash) values (${user}, ${`plans${n}`}, 'x')`);
    await run(sql`insert into chats (id, title, kind, visibility) values (${chat}, 'c', 'group', 'private')`);
    await run(sql`insert into chat_members (chat_id, user_id, role) values (${chat}, ${user}, 'owner')`);
    return (k: number) => {
      const item = { chatId: chat, authorId: user, clientId: `c${k}`, body: `message ${k}` };
      return run(sql`select * from send_messages(${JSON.stringify([item])}::jsonb)`);
    };
  }

  /** Statistics counters from here on only: what came before is flushed, then reset. */
  async function resetCounters(run: Run) {
    await run(sql`select pg_stat_force_next_flush()`);
    await run(sql`select pg_stat_reset()`);
  }

  /** This session's counters flushed, so that the statistics views show them. */
  async function flushCounters(run: Run) {
    await run(sql`select pg_stat_force_next_flush()`);
    await run(sql`select 1`);
  }

  it('[send plans] sends on a new, empty database look up by index, not by reading whole tables', async () => {
    await withDatabase(driver, async (database) => {
      const run = (q: ReturnType<typeof sql>) => database.db.execute(q);
      const send = await soloChat(run, 1);
      await resetCounters(run);
      // Past the fifth call a backend may keep a generic plan, made while the tables are empty.
      for (let n = 0; n < 12; n++) await send(n);
      await flushCounters(run);
      const scans = rowsOf<{ relname: string; seq_scan: number }>(
        await run(sql`select relname, seq_scan from pg_stat_user_tables
                      where relname in ('messages', 'chats', 'chat_members', 'users')`),
      );
      expect(scans.map((r) => [r.relname, Number(r.seq_scan)]).sort()).toEqual([
        ['chat_members', 0],
        ['chats', 0],
        ['messages', 0],
        ['users', 0],
      ]);
    });
  });

  it('[send plans] as a chat grows, a send finds an earlier clientId by its unique key once tables are analyzed', async () => {
    await withDatabase(driver, async (database) => {
      const run = (q: ReturnType<typeof sql>) => database.db.execute(q);
      const send = await soloChat(run, 2);
      // The session plans its sends while the chat is empty, then the chat grows.
      for (let n = 0; n < 300; n++) await send(n);
      // Analyzed by this call, or (Postgres) by autovacuum just before it.
      await vacuumAndAnalyzeWhereDue(database.db);
      const [analyzed] = rowsOf<{ done: boolean }>(
        await run(sql`select coalesce(last_analyze, last_autoanalyze) is not null as done
                      from pg_stat_user_tables where relname = 'messages'`),
      );
      expect(analyzed?.done).toBe(true);
      await resetCounters(run);
      for (let n = 300; n < 320; n++) await send(n);
      await flushCounters(run);
      const scans = Object.fromEntries(
        rowsOf<{ name: string; scans: number }>(
          await run(sql`select indexrelname as name, idx_scan as scans from pg_stat_user_indexes
                        where relname = 'messages'`),
        ).map((r) => [r.name, Number(r.scans)]),
      );
      // Each send's duplicate check, by (author_id, chat_id, client_id); nothing walks the chat.
      expect(scans.messages_author_chat_client_key).toBeGreaterThanOrEqual(20);
      expect(scans.messages_chat_id_created_at_idx).toBe(0);
      expect((await vacuumAndAnalyzeWhereDue(database.db)).analyzed).toEqual([]);
    });
  });

  it('[autovacuum] dead rows are vacuumed, changed tables analyzed, old ones frozen (what autovacuum would do)', async () => {
    await withDatabase(driver, async (database) => {
      const run = (q: ReturnType<typeof sql>) => database.db.execute(q);
      const probe = async () =>
        rowsOf<{ vacuumed: boolean; analyzed: boolean; dead: number; age: number }>(
          await run(sql`select coalesce(s.last_vacuum, s.last_autovacuum) is not null as vacuumed,
                               coalesce(s.last_analyze, s.last_autoanalyze) is not null as analyzed,
                               s.n_dead_tup::int as dead, age(c.relfrozenxid)::int as age
                          from pg_stat_user_tables s join pg_class c on c.oid = s.relid
                         where s.relname = 'maintenance_probe'`),
        )[0]!;
      await run(sql`create table maintenance_probe (x int)`);
      await run(sql`insert into maintenance_probe select generate_series(1, 2000)`);
      await run(sql`delete from maintenance_probe where x <= 1000`);
      // Several transactions later, so that a freeze has something to move.
      for (let n = 0; n < 5; n++) await run(sql`insert into maintenance_probe values (${-n})`);
      const before = await probe();
      await vacuumAndAnalyzeWhereDue(database.db, { freezeAge: 3 });
      const after = await probe();
      // On Postgres autovacuum may have been first; either way the work is done.
      expect(after.vacuumed).toBe(true);
      expect(after.analyzed).toBe(true);
      expect(after.dead).toBe(0);
      expect(after.age).toBeLessThan(before.age);
      // Nothing is due right after.
      expect(await vacuumAndAnalyzeWhereDue(database.db)).toEqual({ vacuumed: [], analyzed: [] });
    });
  });
});
