import { type AnyColumn, type SQL, sql } from 'drizzle-orm';

/**
 * `column = any($1)`: the list is one array parameter, so the statement's text is the same for
 * any number of values. drizzle's `inArray` writes one placeholder per value, and every length
 * would be a prepared statement of its own on every connection (./prepared.ts).
 */
export function anyOf(
  column: AnyColumn | SQL,
  values: readonly string[],
  type: 'uuid' | 'text' = 'uuid',
): SQL {
  return sql`${column} = any(${sql.param([...values])}::${sql.raw(type)}[])`;
}
