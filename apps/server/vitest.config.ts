import { defineConfig } from 'vitest/config';

// Tests never read process.env themselves: the driver matrix is provided here (see test/drivers.ts).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/faults/**', '**/node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-pglite.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A worker process runs file after file with its modules loaded: each file in a fresh
    // process imported the app's whole graph again (Fastify, Drizzle, the AWS SDK, …), and the
    // PGlite suites ran in 176 s and 319 CPU-s instead of 261 s and 496. No suite mocks a module
    // or a global, and each builds its own app, database and metrics registry.
    isolate: false,
    // Most of a test's time is spent waiting (commits, child servers, sockets, timers), so one
    // more worker than cores overlaps that: the suite took 191 s with 3 workers on 2 cores where
    // it took 320 s with the default of 2.
    maxWorkers: 3,
    provide: {
      databaseUrl: process.env.DATABASE_URL ?? '',
      requirePg: process.env.REQUIRE_PG === '1',
      redisUrl: process.env.REDIS_URL ?? '',
      requireRedis: process.env.REQUIRE_REDIS === '1',
    },
  },
});

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    requirePg: boolean;
    redisUrl: string;
    requireRedis: boolean;
    /** The migrated PGlite data directory, dumped by test/global-setup.ts. */
    pgliteTemplate: string;
    /** The same, as a data directory on disk (test/pglite-template.ts › seededPgliteDir). */
    pgliteDir: string;
    /** The PGlite worker compiled for the run (test/pglite-worker-bundle.ts), as a file URL. */
    pgliteWorker: string;
  }
}
