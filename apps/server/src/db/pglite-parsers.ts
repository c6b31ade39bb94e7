/*
 * Drizzle passes PGlite the type parsers it wants with every query (all identity: dates and
 * intervals stay text). PGlite merges per-query parsers into a copy of its whole table of 318 on
 * every query (13 % of its thread's CPU in a send; 0.13 ms a query), so drizzle's set is PGlite's
 * own from the start (pglite-worker.ts) and a query passes parsers only when it wants others.
 */
const identity = (v: string) => v;
// timestamp, timestamptz, interval, date, and the arrays of numeric, timestamp, timestamptz,
// interval and date (drizzle-orm/pglite/session.js).
const DRIZZLE_TEXT_TYPES = [1114, 1184, 1186, 1082, 1231, 1115, 1185, 1187, 1182];
export const drizzleParsers = Object.fromEntries(DRIZZLE_TEXT_TYPES.map((oid) => [oid, identity]));
/** What a query must pass PGlite besides its own table: nothing for drizzle's set. */
export function parsersFor(oids: number[] | undefined) {
  if (!oids || oids.every((oid) => oid in drizzleParsers)) return undefined;
  return Object.fromEntries(oids.map((oid) => [oid, identity]));
}
