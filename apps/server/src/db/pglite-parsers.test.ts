import { PGlite, type QueryOptions } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { describe, expect, it } from 'vitest';
import { parsersFor } from './pglite-parsers.js';

describe('[pglite-parsers]', () => {
  it('every parser set drizzle passes is already PGlite’s own: no query copies the parser table', async () => {
    const pg = await PGlite.create();
    const passed: number[][] = [];
    const query = pg.query.bind(pg);
    // Drizzle's real PGlite session, on a real PGlite: what it hands `query` is what the worker gets.
    pg.query = ((text: string, params?: unknown[], opts?: QueryOptions) => {
      passed.push(Object.keys(opts?.parsers ?? {}).map(Number));
      return query(text, params, opts);
    }) as typeof pg.query;
    try {
      const db = drizzle(pg);
      await db.execute(sql`select now() as t, array[now()] as ts`);
      await db.select({ t: sql<string>`now()` }).from(sql`(select 1) x`);
      expect(passed).toHaveLength(2);
      for (const oids of passed) {
        expect(oids.length).toBeGreaterThan(0);
        expect(parsersFor(oids), oids.join(',')).toBeUndefined();
      }
      expect(parsersFor([1184, 25])).toEqual({ 1184: expect.any(Function), 25: expect.any(Function) });
    } finally {
      await pg.close();
    }
  });
});
