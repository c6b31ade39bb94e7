import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/db/client.js';

for (let i = 0; i < 3; i++) {
  const t = performance.now();
  const d = await openDatabase({ driver: 'pglite', dir: undefined });
  const t2 = performance.now();
  for (let j = 0; j < 200; j++) await d.db.execute(sql`select ${j}::int as x`);
  const t3 = performance.now();
  await d.close();
  console.log(
    `open ${(t2 - t).toFixed(0)} ms, 200 selects ${(t3 - t2).toFixed(0)} ms, close ${(performance.now() - t3).toFixed(0)} ms, cpu ${JSON.stringify(process.cpuUsage())}`,
  );
}
