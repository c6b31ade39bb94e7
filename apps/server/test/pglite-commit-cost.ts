// What one durable PGlite commit costs, measured in-process so that a busy machine slows both
// modes alike: sequential one-row commits on fresh data directories, durable (PGLITE_FSYNC,
// the default) and not, alternating in blocks. See docs/BENCHMARKS.md › PGlite fsync.
//
//   cd apps/server && npx tsx test/pglite-commit-cost.ts [--commits=2000] [--rounds=3]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/db/client.js';

const arg = (name: string, def: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def);
const COMMITS = arg('commits', 2000);
const ROUNDS = arg('rounds', 3);

async function run(fsync: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'chatsockets-commit-cost-'));
  const database = await openDatabase({ driver: 'pglite', dir, fsync });
  try {
    await database.db.execute(sql`create table probe (id serial primary key, body text not null)`);
    const times: number[] = [];
    for (let i = 0; i < COMMITS; i++) {
      const t0 = performance.now();
      await database.db.execute(sql`insert into probe (body) values (${`commit ${i}`})`);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const total = times.reduce((a, b) => a + b, 0);
    const q = (p: number) => times[Math.floor(p * (times.length - 1))] ?? Number.NaN;
    return { perS: COMMITS / (total / 1000), p50: q(0.5), p99: q(0.99) };
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (let round = 1; round <= ROUNDS; round++) {
  for (const fsync of [true, false]) {
    const r = await run(fsync);
    console.log(
      `round ${round}  PGLITE_FSYNC=${String(fsync).padEnd(5)}  ${r.perS.toFixed(0).padStart(5)} commits/s` +
        `  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms`,
    );
  }
}
