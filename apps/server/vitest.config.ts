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
    // Each file in a fresh process (the default), though one worker running file after file
    // with its modules loaded (`isolate: false`) ran the PGlite suites in 176 s and 319 CPU-s
    // instead of 261 s and 496, but in the one CI run with it a worker process exited mid-run
    // (cause not found; three local runs passed) and [lifecycle] timed out waiting for a frame.
    isolate: true,
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
