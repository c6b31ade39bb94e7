import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { describe, expect, inject, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../src/db/client.js';
import { PgliteThread } from '../src/db/pglite-thread.js';
import { readPgliteTemplate } from './pglite-template.js';

describe('in-memory PGlite starts from the run’s migrated template', () => {
  it('[pglite-template] a database opened from a template holds what the template holds, migrated', async () => {
    // A template with a marker in it: a database that ran initdb instead would not have it.
    const source = await PGlite.create({ loadDataDir: readPgliteTemplate(inject('pgliteTemplate')) });
    await source.exec(
      `create table template_marker (v text); insert into template_marker values ('from the dump')`,
    );
    const template = await source.dumpDataDir('none');
    await source.close();

    const thread = await PgliteThread.open({
      dir: undefined,
      fsync: false,
      migrationsFolder: MIGRATIONS_FOLDER,
      template,
    });
    try {
      const db = drizzle(thread.asPglite());
      const marker = await db.execute(sql`select v from template_marker`);
      expect(marker.rows).toEqual([{ v: 'from the dump' }]);
      const tables = await db.execute(sql`select to_regclass('public.messages') is not null as ok`);
      expect(tables.rows).toEqual([{ ok: true }]);
    } finally {
      await thread.close();
    }
  });
});
