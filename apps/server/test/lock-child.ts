import { lockPgliteDir } from '../src/db/pglite-lock.js';

/**
 * One process of the PGlite lock race (src/db/pglite-lock.test.ts): says `ready`, takes the
 * directory at the instant the first line of stdin names, answers `held` or `refused`, and keeps whatever it got
 * until stdin closes.
 */
const dir = process.argv[2]!;
process.stdout.write('ready\n');
process.stdin.once('data', (go) => {
  // All contenders at the same instant, as near as the clock allows: the race is a few microseconds wide.
  const at = Number(String(go));
  while (Date.now() < at) {}
  try {
    lockPgliteDir(dir);
    process.stdout.write('held\n');
  } catch {
    process.stdout.write('refused\n');
  }
});
process.stdin.on('end', () => process.exit(0));
