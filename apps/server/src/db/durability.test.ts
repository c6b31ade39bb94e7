import { rmSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';
import { seededPgliteDir } from '../../test/pglite-template.js';
import { type Database, openDatabase } from './client.js';
import { rowsOf } from './ids.js';
import { pgliteSyncs } from './pglite-durable.js';

const fsyncSetting = async (database: Database) =>
  rowsOf<{ fsync: string }>(await database.db.execute(sql`show fsync`))[0]?.fsync;

describe.each(drivers())('durability on %s', (driver) => {
  it('[durability] the database a server opens by default fsyncs its commits', async () => {
    if (driver === 'postgres') {
      const { database, dispose } = await openTestDatabase('postgres');
      try {
        expect(await fsyncSetting(database)).toBe('on');
      } finally {
        await dispose();
      }
      return;
    }
    const dir = seededPgliteDir('chatsockets-durable-');
    const database = await openDatabase({ driver: 'pglite', dir });
    try {
      expect(await fsyncSetting(database)).toBe('on');
      const before = pgliteSyncs.count;
      await database.db.execute(sql`create table durable_probe (x int)`);
      await database.db.execute(sql`insert into durable_probe values (1)`);
      // Each commit's WAL reached fsync(2) before the statement returned.
      expect(pgliteSyncs.count).toBeGreaterThanOrEqual(before + 2);
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(driver === 'postgres')('[durability] PGLITE_FSYNC=false trades it away', async () => {
    const dir = seededPgliteDir('chatsockets-durable-');
    const database = await openDatabase({ driver: 'pglite', dir, fsync: false });
    try {
      expect(await fsyncSetting(database)).toBe('off');
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
