import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { BENCH_DIR, revision } from './spawn.js';

/**
 * Writes a run's raw figures to `bench/results/<kind>-<time>.json` (git ignores the folder), with
 * the revision and the machine they came from.
 */
export function writeResults(kind: string, quick: boolean, figures: Record<string, unknown>): void {
  mkdirSync(`${BENCH_DIR}results`, { recursive: true });
  const file = `${BENCH_DIR}results/${kind}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  const machine = {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model,
    node: process.version,
    memGiB: os.totalmem() / 2 ** 30,
  };
  writeFileSync(file, JSON.stringify({ revision: revision(), quick, machine, ...figures }, null, 2));
  console.log(`raw results: ${file}`);
}
