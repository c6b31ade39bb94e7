import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const SERVER_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

/*
 * The PGlite worker (src/db/pglite-worker.ts) compiled to one JavaScript file, once per run, for
 * every database the suites open (useWorkerScript): loaded through tsx, each costs its thread
 * about 0.65 s of CPU more. Packages stay imports, resolved from the server's node_modules,
 * which is why the file is written under it.
 */
export async function bundlePgliteWorker(): Promise<{ url: string; remove: () => void }> {
  const dir = join(SERVER_DIR, 'node_modules', '.cache', `pglite-worker-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'pglite-worker.mjs');
  try {
    await build({
      entryPoints: [join(SERVER_DIR, 'src/db/pglite-worker.ts')],
      outfile: file,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'warning',
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return { url: pathToFileURL(file).href, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
