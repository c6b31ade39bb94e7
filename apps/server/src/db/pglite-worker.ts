import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { openPgliteClient, pgliteSyncs } from './pglite-durable.js';
import { drizzleParsers, parsersFor } from './pglite-parsers.js';
import type { PgliteAssets, WorkerReply, WorkerRequest, WorkerStart } from './pglite-thread.js';

/*
 * The embedded database's own thread: PGlite (Postgres compiled to WebAssembly) runs every
 * statement synchronously on the thread that calls it, and so does the fsync of each commit.
 * Here that thread is this worker, so the server's event loop never waits on either; the main
 * thread only posts statements and receives rows (pglite-thread.ts).
 */
const port = parentPort;
if (!port) throw new Error('pglite-worker.ts runs only as a worker thread');
const start = workerData as WorkerStart & PgliteAssets;

// Transactions opened by the main thread, waiting for their end (commit or rollback).
const open = new Map<number, { tx: Transaction; end: (commit: boolean) => void; done: Promise<void> }>();
let nextTx = 1;

function reply(msg: WorkerReply) {
  port?.postMessage(msg);
}

/** What survives the thread boundary of a driver error: its fields (code, constraint, …), not its class. */
function plainError(err: unknown): Record<string, unknown> {
  const e = err as Record<string, unknown> & Error;
  const out: Record<string, unknown> = { message: String(e?.message ?? err), name: e?.name };
  for (const [k, v] of Object.entries(e ?? {})) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

async function main() {
  let pg: PGlite;
  try {
    const { pgliteWasmModule, initdbWasmModule, fsBundle } = start;
    pg = await openPgliteClient(start.dir, start.fsync, {
      pgliteWasmModule,
      initdbWasmModule,
      fsBundle,
      loadDataDir: start.template,
      parsers: drizzleParsers,
    });
    await migrate(drizzle(pg), { migrationsFolder: start.migrationsFolder });
  } catch (err) {
    reply({ id: 0, error: plainError(err), syncs: pgliteSyncs.count });
    return;
  }
  reply({ id: 0, result: null, syncs: pgliteSyncs.count });

  port?.on('message', async (msg: WorkerRequest) => {
    try {
      switch (msg.op) {
        case 'query': {
          const target = msg.tx === undefined ? pg : open.get(msg.tx)?.tx;
          if (!target) throw new Error('transaction is over');
          const parsers = parsersFor(msg.parsers);
          const result = await target.query(msg.sql, msg.params, {
            rowMode: msg.rowMode,
            ...(parsers ? { parsers } : {}),
          });
          reply({ id: msg.id, result, syncs: pgliteSyncs.count });
          return;
        }
        case 'begin': {
          const txId = nextTx++;
          let began: () => void = () => {};
          const ready = new Promise<void>((r) => {
            began = r;
          });
          let end: (commit: boolean) => void = () => {};
          const ended = new Promise<boolean>((r) => {
            end = r;
          });
          const done = pg
            .transaction(async (tx) => {
              open.set(txId, { tx, end, done });
              began();
              if (!(await ended)) await tx.rollback();
            })
            .then(() => undefined);
          // A BEGIN that fails (closed database) must not leave the caller waiting for `began`.
          await Promise.race([ready, done]);
          reply({ id: msg.id, result: txId, syncs: pgliteSyncs.count });
          return;
        }
        case 'end': {
          const entry = open.get(msg.tx);
          if (!entry) throw new Error('transaction is over');
          open.delete(msg.tx);
          entry.end(msg.commit);
          await entry.done;
          reply({ id: msg.id, result: null, syncs: pgliteSyncs.count });
          return;
        }
        case 'close': {
          for (const entry of open.values()) entry.end(false);
          await Promise.allSettled([...open.values()].map((e) => e.done));
          open.clear();
          await pg.close();
          reply({ id: msg.id, result: null, syncs: pgliteSyncs.count });
          port?.close();
          return;
        }
      }
    } catch (err) {
      reply({ id: msg.id, error: plainError(err), syncs: pgliteSyncs.count });
    }
  });
}

void main();
