import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { buildPgliteTemplate } from './pglite-template.js';
import { bundlePgliteWorker } from './pglite-worker-bundle.js';

/**
 * Says which databases the integration suites run on, so a CI log shows that Postgres really
 * ran; with REQUIRE_PG=1 an unreachable Postgres fails the run here, before any suite. Also
 * makes the migrated PGlite that every in-memory database in the run starts from, and the
 * compiled worker every one runs in.
 */
export default async function setup(project: TestProject) {
  const url = project.getProvidedContext().databaseUrl;
  const redisUrl = project.getProvidedContext().redisUrl;
  if (url) {
    const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
    try {
      const [row] = await sql`select version()`;
      console.log(
        `[drivers] integration suites run on PGlite AND Postgres: ${String(row?.version).split(',')[0]}`,
      );
    } catch (err) {
      throw new Error(`DATABASE_URL is set but Postgres is unreachable: ${(err as Error).message}`);
    } finally {
      await sql.end({ timeout: 1 });
    }
  } else if (project.getProvidedContext().requirePg) {
    throw new Error('REQUIRE_PG=1 but DATABASE_URL is not set');
  } else {
    console.log('[drivers] integration suites run on PGlite only (set DATABASE_URL to add Postgres)');
  }
  console.log(
    redisUrl
      ? `[drivers] multi-instance suites use Redis at ${redisUrl}`
      : '[drivers] no REDIS_URL: multi-instance suites skipped',
  );
  const worker = await bundlePgliteWorker();
  project.provide('pgliteWorker', worker.url);
  const template = await buildPgliteTemplate();
  project.provide('pgliteTemplate', template.file);
  project.provide('pgliteDir', template.dir);
  return () => {
    template.remove();
    worker.remove();
  };
}
