import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';

export type Driver = 'pglite' | 'postgres';

/**
 * Every integration suite runs once per driver: PGlite always, real Postgres when DATABASE_URL
 * is set. With REQUIRE_PG=1 (CI) a missing DATABASE_URL fails the run instead of skipping.
 */
export function drivers(): Driver[] {
  const url = inject('databaseUrl');
  if (!url && inject('requirePg')) throw new Error('REQUIRE_PG=1 but DATABASE_URL is not set');
  return url ? ['pglite', 'postgres'] : ['pglite'];
}

/** A throwaway database per test file, so files can run in parallel; dropped by the returned function. */
export async function createScratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = inject('databaseUrl');
  const name = `chatsockets_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (err) {
    await admin.end({ timeout: 1 });
    throw new Error(`Postgres at DATABASE_URL is unreachable or refused: ${(err as Error).message}`);
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}
