import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import type { FullConfig } from '@playwright/test';

/**
 * Removes the run's PGlite directory (see playwright.config.ts). Playwright runs this before it
 * stops the web server; the server holds its files open, so removing them under it is safe, and
 * nothing it writes while shutting down can recreate the directory. Only a directory this
 * config made is removed: one named `chatsockets-e2e-*` directly under the OS temp dir.
 */
export default async function globalTeardown(config: FullConfig): Promise<void> {
  const dir = config.metadata.pgliteDir as unknown;
  if (typeof dir !== 'string') return;
  const path = resolve(dir);
  if (dirname(path) !== resolve(tmpdir()) || !basename(path).startsWith('chatsockets-e2e-')) return;
  await rm(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}
