import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { MIGRATIONS_FOLDER } from '../src/db/client.js';
import { openPgliteClient } from '../src/db/pglite-durable.js';

/*
 * initdb is most of what opening an in-memory PGlite costs (≈5 CPU-s, against ≈1 to load a
 * dumped data directory), and every integration suite opens one per file. The run makes one
 * migrated database here, once (a migration that fails on a fresh PGlite fails the whole run),
 * and each test process starts its in-memory databases from the dump (setup-pglite.ts).
 */
export async function buildPgliteTemplate(): Promise<{ file: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'chatsockets-pglite-template-'));
  const pg = await openPgliteClient(undefined, false);
  try {
    await migrate(drizzle(pg), { migrationsFolder: MIGRATIONS_FOLDER });
    const dump = await pg.dumpDataDir('none');
    const file = join(dir, 'migrated.tar');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  } finally {
    await pg.close();
  }
}

export function readPgliteTemplate(file: string): Blob {
  return new Blob([readFileSync(file)]);
}
