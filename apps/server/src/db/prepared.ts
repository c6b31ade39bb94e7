import type { Sql } from 'postgres';

/**
 * A postgres.js client whose queries are named prepared statements, transactions included.
 *
 * drizzle's postgres-js session passes `prepare: false` for every query it is not given a name
 * for (drizzle-orm/postgres-js/session.js), which overrides the client's own `prepare` option.
 * postgres.js then sends an unnamed statement with parameters as two round trips (Parse and
 * Describe, then Bind and Execute), and Postgres parses and plans it on every call: twice the
 * socket work on both sides for every send (bench/ws.ts `lone`, docs/BENCHMARKS.md).
 *
 * Prepared statements are kept per connection, one per distinct query text, so the set of texts
 * must stay bounded: a list of values goes in as one array parameter (`anyOf` in ./any-of.ts), never
 * as a list of placeholders whose length varies.
 */
export function preparing<T extends Sql<Record<string, unknown>>>(client: T): T {
  return new Proxy(client, {
    get(target, key, receiver) {
      switch (key) {
        case 'unsafe':
          return (query: string, args?: unknown[], options?: object) =>
            target.unsafe(query, args as never, { ...options, prepare: true });
        case 'begin':
        case 'savepoint':
          return (...args: unknown[]) => {
            // The callback is last (`begin(options?, fn)`); its client is wrapped the same way.
            const fn = args.pop() as (tx: T) => unknown;
            const method = Reflect.get(target, key) as (...a: unknown[]) => unknown;
            return method(...args, (tx: T) => fn(preparing(tx)));
          };
        default:
          return Reflect.get(target, key, receiver);
      }
    },
  });
}
