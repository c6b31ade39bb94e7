import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { inject } from 'vitest';
import { MIGRATIONS_FOLDER } from '../src/db/client.js';
import { openPgliteClient } from '../src/db/pglite-durable.js';

/*
 * initdb is most of what opening an in-memory PGlite costs (≈5 CPU-s, against ≈1 to load a
 * dumped data directory), and every integration suite opens one per file. The run makes one
 * migrated database here, once (a migration that fails on a fresh PGlite fails the whole run),
 * and each test process starts its in-memory databases from the dump (setup-pglite.ts).
 */
export async function buildPgliteTemplate(): Promise<{ file: string; dir: string; remove: () => void }> {
  const root = mkdtempSync(join(tmpdir(), 'chatsockets-pglite-template-'));
  try {
    const pg = await openPgliteClient(undefined, false);
    const file = join(root, 'migrated.tar');
    let dump: Blob;
    try {
      await migrate(drizzle(pg), { migrationsFolder: MIGRATIONS_FOLDER });
      dump = await pg.dumpDataDir('none');
      writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    } finally {
      await pg.close();
    }
    // The same database as a directory on disk, for the suites that test one (seededPgliteDir).
    const dir = join(root, 'migrated');
    const onDisk = await openPgliteClient(dir, false, { loadDataDir: dump });
    await onDisk.close();
    return { file, dir, remove: () => rmSync(root, { recursive: true, force: true }) };
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
}

/*
 * A PGlite data directory of its own, already made and migrated: a copy of the run's. For the
 * suites that test what a directory on disk does (fsync, restarts, its lock), not its first
 * start, which costs initdb (5 to 8 CPU-s, with fsync) each time. server.test.ts still starts
 * one server on an empty directory, as the quick start does.
 */
export function seededPgliteDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cpSync(inject('pgliteDir'), dir, { recursive: true });
  return dir;
}

export function readPgliteTemplate(file: string): Blob {
  return new Blob([readFileSync(file)]);
}
