import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { redoclyLint } from './redocly.js';

/**
 * `pnpm --filter @chatsockets/server lint:api`: the OpenAPI document the server serves at
 * /docs/json, built by the real app (on a throwaway in-memory PGlite), linted by Redocly with
 * its recommended rules. `--out <file>` also keeps the document.
 */
const database = await openDatabase({ driver: 'pglite', dir: undefined });
const app = await buildApp(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), { database });
const res = await app.inject({ url: '/docs/json' });
await app.close();
await database.close();
if (res.statusCode !== 200) throw new Error(`/docs/json answered ${res.statusCode}`);

const dir = mkdtempSync(join(tmpdir(), 'chatsockets-openapi-'));
const file = join(dir, 'openapi.json');
writeFileSync(file, res.body);
const out = process.argv.indexOf('--out');
if (out > 0 && process.argv[out + 1]) writeFileSync(process.argv[out + 1]!, res.body);
const lint = redoclyLint(file);
process.stdout.write(lint.output);
process.exitCode = lint.status;
rmSync(dir, { recursive: true, force: true });
