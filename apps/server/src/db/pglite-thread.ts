import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';
import { pgliteSyncs } from './pglite-durable.js';

/*
 * The main thread's side of the embedded database. It has the part of PGlite's interface that
 * Drizzle's PGlite driver calls (`query`, `transaction`), so repositories keep one `db` API,
 * but every statement runs in pglite-worker.ts on a thread of its own. A transaction holds
 * PGlite's single session in the worker from BEGIN until the main thread ends it, exactly as it
 * holds it in-process; statements outside it queue behind it there.
 */

export interface WorkerStart {
  dir: string | undefined;
  fsync: boolean;
  migrationsFolder: string;
  /** A dumped data directory an in-memory database starts from instead of initdb (see useMemoryTemplate). */
  template?: Blob;
}

let memoryTemplate: (() => Blob) | undefined;
let workerScript: URL | undefined;

/*
 * initdb is most of an in-memory PGlite's start-up (seconds of CPU), and the test suites open one
 * per file. A process given a dumped, migrated data directory here (test/pglite-template.ts)
 * starts each in-memory database from it; the migrations still run after loading, applying any
 * the dump lacks. The server never calls this: its database is on disk (PGLITE_DIR).
 */
export function useMemoryTemplate(template: (() => Blob) | undefined): void {
  memoryTemplate = template;
}

/*
 * From the TypeScript sources the worker loads through tsx (spawnWorker), whose loader costs a
 * worker about 0.65 s of CPU, again for every database: the test suites, which open dozens, hand
 * this the worker compiled once per run (test/pglite-worker-bundle.ts).
 */
export function useWorkerScript(script: URL | undefined): void {
  workerScript = script;
}

/** PGlite's compiled code and its file bundle, made once per process and shared with every worker. */
// Node's type libraries do not declare WebAssembly's namespace: PGlite's options name the type.
type WasmModule = NonNullable<PGliteOptions['pgliteWasmModule']>;

export interface PgliteAssets {
  pgliteWasmModule: WasmModule;
  initdbWasmModule: WasmModule;
  fsBundle: Blob;
}

let assets: Promise<PgliteAssets> | undefined;
// Node has WebAssembly at run time; the build's type libraries do not declare it.
const wasm = (globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<WasmModule> } })
  .WebAssembly;

/*
 * A fresh worker would otherwise compile PGlite's 9 MB of WebAssembly again (seconds of CPU per
 * database: the integration suites open one per file). A compiled module is shared by every
 * thread it is posted to.
 */
function pgliteAssets(): Promise<PgliteAssets> {
  assets ??= (async () => {
    const dist = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    const [pglite, initdb, bundle] = await Promise.all(
      ['pglite.wasm', 'initdb.wasm', 'pglite.data'].map((f) => readFile(join(dist, f))),
    );
    return {
      pgliteWasmModule: await wasm.compile(pglite as Buffer),
      initdbWasmModule: await wasm.compile(initdb as Buffer),
      fsBundle: new Blob([bundle as Buffer]),
    };
  })();
  assets.catch(() => {
    assets = undefined;
  });
  return assets;
}

export type WorkerRequest =
  | {
      id: number;
      op: 'query';
      tx?: number;
      sql: string;
      params: unknown[];
      rowMode?: 'array' | 'object';
      parsers?: number[];
    }
  | { id: number; op: 'begin' }
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'close' };

export type WorkerReply =
  | { id: number; result: unknown; syncs: number; error?: undefined }
  | { id: number; error: Record<string, unknown>; syncs: number; result?: undefined };

interface QueryOptions {
  rowMode?: 'array' | 'object';
  parsers?: Record<number, unknown>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };

function toError(plain: Record<string, unknown>): Error {
  return Object.assign(new Error(String(plain.message)), plain);
}

/** A database error the caller can tell from a bad query: the thread is gone (errors.ts `unavailable`). */
function gone(reason: string): Error {
  return Object.assign(new Error(`embedded database thread: ${reason}`), { unavailable: true });
}

export class PgliteThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private dead: Error | undefined;
  private readonly ready: Promise<void>;

  private constructor(start: WorkerStart & PgliteAssets) {
    this.worker = spawnWorker(start);
    this.ready = new Promise((resolve, reject) => this.pending.set(0, { resolve: () => resolve(), reject }));
    this.worker.on('message', (msg: WorkerReply) => {
      pgliteSyncs.count = msg.syncs;
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(toError(msg.error));
      else p.resolve(msg.result);
    });
    const fail = (err: Error) => {
      this.dead ??= err;
      for (const p of this.pending.values()) p.reject(this.dead);
      this.pending.clear();
    };
    this.worker.on('error', (err) => fail(gone(err.message)));
    this.worker.on('exit', (code) => fail(gone(`exited (${code})`)));
  }

  /** Starts the thread, opens PGlite in it and runs the migrations there. */
  static async open(start: WorkerStart): Promise<PgliteThread> {
    const template = start.dir ? undefined : (start.template ?? memoryTemplate?.());
    const thread = new PgliteThread({ ...start, template, ...(await pgliteAssets()) });
    try {
      await thread.ready;
    } catch (err) {
      await thread.worker.terminate();
      throw err;
    }
    return thread;
  }

  private call(req: DistributiveOmit<WorkerRequest, 'id'>): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id });
    });
  }

  query(sql: string, params: unknown[] = [], opts: QueryOptions = {}, tx?: number) {
    return this.call({
      op: 'query',
      tx,
      sql,
      params,
      rowMode: opts.rowMode,
      parsers: opts.parsers ? Object.keys(opts.parsers).map(Number) : undefined,
    });
  }

  async transaction<T>(fn: (tx: Pick<PgliteThread, 'query'>) => Promise<T>): Promise<T> {
    const txId = (await this.call({ op: 'begin' })) as number;
    const tx = {
      query: (sql: string, params?: unknown[], opts?: QueryOptions) => this.query(sql, params, opts, txId),
    };
    let result: T;
    try {
      result = await fn(tx as Pick<PgliteThread, 'query'>);
    } catch (err) {
      await this.call({ op: 'end', tx: txId, commit: false }).catch(() => {});
      throw err;
    }
    await this.call({ op: 'end', tx: txId, commit: true });
    return result;
  }

  /** Closes PGlite (a clean shutdown: its last checkpoint) and ends the thread. */
  async close(): Promise<void> {
    if (!this.dead) {
      const exited = new Promise((r) => this.worker.once('exit', r));
      try {
        await this.call({ op: 'close' });
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
      } finally {
        this.dead ??= gone('closed');
        await this.worker.terminate();
      }
    }
  }

  /** What Drizzle's PGlite driver is given: it calls only `query` and `transaction`. */
  asPglite(): PGlite {
    return this as unknown as PGlite;
  }
}

/**
 * The build runs pglite-worker.js as is. From the TypeScript sources (dev, tests) the worker
 * loads the file through tsx's API: a loader passed in a worker's execArgv does not reach it on Node 20.
 */
function spawnWorker(start: WorkerStart & PgliteAssets): Worker {
  const url = workerScript ?? new URL('./pglite-worker.js', import.meta.url);
  if (workerScript || !import.meta.url.endsWith('.ts')) return new Worker(url, { workerData: start });
  const tsUrl = new URL('./pglite-worker.ts', import.meta.url).href;
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(tsUrl)}, ${JSON.stringify(tsUrl)}))`;
  return new Worker(boot, { eval: true, workerData: start });
}
