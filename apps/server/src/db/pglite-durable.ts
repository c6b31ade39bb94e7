import { closeSync, fsyncSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

/*
 * PGlite as shipped never makes a commit durable: it starts Postgres with `-F` (fsync off), and
 * even without it an fsync inside the WebAssembly build goes nowhere (its Node filesystem has
 * no fsync, and fdatasync is a no-op). Writes still reach the OS page cache, so a killed
 * process loses nothing; an OS crash or power cut loses acked messages, or corrupts the data
 * directory. Durable mode gives Postgres its fsync back: the filesystem's fsync reaches
 * fsync(2), and the WAL is synced with fsync() (the path that reaches it), so every commit is on
 * disk before it is acknowledged, and checkpoints sync the data files, as in real Postgres.
 */

/** fsync(2) calls made for PGlite in this process (a test reads it to see commits reach the disk). */
export const pgliteSyncs = { count: 0 };

interface EmscriptenStream {
  nfd?: number;
}
interface EmscriptenModule {
  NODEFS: { stream_ops: { fsync?: (stream: EmscriptenStream) => number } };
}

class DurableNodeFS extends NodeFS {
  override async init(pg: PGlite, opts: Parameters<NodeFS['init']>[1]) {
    const result = await super.init(pg, opts);
    const preRun =
      (result.emscriptenOpts as { preRun?: Array<(mod: EmscriptenModule) => void> }).preRun ?? [];
    preRun.push((mod) => {
      mod.NODEFS.stream_ops.fsync = (stream) => {
        if (stream.nfd === undefined) return 0;
        fsyncSync(stream.nfd);
        pgliteSyncs.count++;
        return 0;
      };
    });
    return result;
  }
}

/** Syncs every file and directory under `dir`: what start-up wrote before fsync reached the disk. */
function syncTree(dir: string) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) syncTree(path);
    else if (entry.isFile()) syncPath(path, 'r');
  }
  syncPath(dir, 'r');
}

function syncPath(path: string, flags: string) {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const MEMORY_PARAMS = ['-c', 'shared_buffers=16MB'];

export async function openPgliteClient(
  dir: string | undefined,
  durable: boolean,
  options: PGliteOptions = {},
): Promise<PGlite> {
  // In memory (the test suites' databases), every page is in memory already. A pool of 16 MB
  // instead of PGlite's 128 opens one in 0.6 s instead of 1.1 (most of it setting up the pool's
  // buffers; measured in-process), about 15 % of a test file's database in its worker thread.
  if (!dir) {
    return PGlite.create({ ...options, startParams: [...PGlite.defaultStartParams, ...MEMORY_PARAMS] });
  }
  if (!durable) return PGlite.create(dir, options);
  const startParams = [
    ...PGlite.defaultStartParams.filter((p) => p !== '-F'),
    '-c',
    'fsync=on',
    '-c',
    'wal_sync_method=fsync',
  ];
  const client = await PGlite.create({ ...options, fs: new DurableNodeFS(dir), startParams });
  // initdb's files (first start) were copied in before Postgres could sync them.
  syncTree(dir);
  return client;
}
