import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { type AppOverrides, buildApp } from '../src/app.js';
import { type Config, loadConfig } from '../src/config.js';
import { type Database, openDatabase } from '../src/db/client.js';
import { createScratchDatabase, type Driver } from './drivers.js';

export interface TestContext {
  driver: Driver;
  database: Database;
  config: Config;
  /** The real app on this file's database (rebuilt by `rebuild`). */
  app: FastifyInstance;
  /** Empties every table; call between tests. */
  truncate(): Promise<void>;
  /** A fresh app (e.g. with other config) on the same database. */
  rebuild(env?: Record<string, string>, overrides?: AppOverrides): Promise<FastifyInstance>;
  /** Listens on a free port of 127.0.0.1; resolves with the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

const TEST_ENV = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  PORT: '0',
  HOST: '127.0.0.1',
  REGISTER_MAX_PER_MIN: '1000',
  WS_CONNECTS_PER_MIN: '1000000',
  CHAT_CREATES_PER_HOUR: '100000',
  MEMBER_ADDS_PER_HOUR: '100000',
  LOGIN_FAILURES_MAX: '1000',
  // A machine busy with other suites must not make the app shed the test's requests.
  LOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
};

/** One database per test file (PGlite's start-up costs seconds): open it in beforeAll. */
export async function openTestDatabase(
  driver: Driver,
): Promise<{ database: Database; config: Config; dispose: () => Promise<void> }> {
  if (driver === 'pglite') {
    const config = loadConfig(TEST_ENV);
    const database = await openDatabase({ driver: 'pglite', dir: undefined });
    return { database, config, dispose: () => database.close() };
  }
  const scratch = await createScratchDatabase();
  const config = loadConfig({ ...TEST_ENV, DATABASE_URL: scratch.url });
  const database = await openDatabase(config.db);
  return {
    database,
    config,
    dispose: async () => {
      await database.close();
      await scratch.drop();
    },
  };
}

export async function buildTestApp(driver: Driver, env: Record<string, string> = {}): Promise<TestContext> {
  const { database, config: baseConfig, dispose } = await openTestDatabase(driver);
  // Each app's files in a directory of its own, removed on close.
  const blobDir = mkdtempSync(join(tmpdir(), 'chatsockets-blobs-'));
  const configFor = (extra: Record<string, string>) =>
    loadConfig({
      ...TEST_ENV,
      BLOB_DIR: blobDir,
      ...(baseConfig.db.driver === 'postgres' ? { DATABASE_URL: baseConfig.db.url } : {}),
      ...extra,
    });
  const ctx: TestContext = {
    driver,
    database,
    config: configFor(env),
    app: await buildApp(configFor(env), { database }),
    async truncate() {
      await database.db.execute(sql`truncate table messages, chat_members, chats, sessions, users cascade`);
    },
    async rebuild(extra = {}, overrides = {}) {
      await ctx.app.close();
      ctx.config = configFor({ ...env, ...extra });
      ctx.app = await buildApp(ctx.config, { database, ...overrides });
      return ctx.app;
    },
    async listen() {
      await ctx.app.listen({ port: 0, host: '127.0.0.1' });
      const address = ctx.app.server.address();
      if (!address || typeof address === 'string') throw new Error('not listening');
      return `http://127.0.0.1:${address.port}`;
    },
    async close() {
      await ctx.app.close();
      await dispose();
      rmSync(blobDir, { recursive: true, force: true });
    },
  };
  return ctx;
}
