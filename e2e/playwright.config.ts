import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig, devices } from '@playwright/test';

// The only file in e2e/ that reads the environment (biome: noProcessEnv).
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
// The whole browser, in its headless mode; CHROMIUM_PATH runs every test on another build.
const browser = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Debian's chromium-headless-shell, when it is installed: Chromium's headless build, the one
// Playwright itself runs for headless tests. The same Blink and V8 at about 40 % less CPU per
// test with the trace below (the suite in 5.9 min instead of 10.6 on 2 cores: README › Quick start).
// It answers `Notification.permission` "denied" whatever was granted, so the journeys that show
// notifications (WHOLE_BROWSER) run on the whole browser.
const headlessShell = '/usr/lib/chromium/chromium-headless-shell';
const chromium = process.env.CHROMIUM_PATH ?? (existsSync(headlessShell) ? headlessShell : browser);
const WHOLE_BROWSER = /\[notifications\]/;
const args = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// Real Postgres when DATABASE_URL is set (CI), else a fresh PGlite directory for every run, under
// the OS temp dir, removed by global-teardown.ts. Playwright loads this file again in each worker:
// the runner's choice travels to them in the environment, so a run makes exactly one directory.
if (!process.env.DATABASE_URL && !process.env.E2E_PGLITE_DIR) {
  process.env.E2E_PGLITE_DIR = mkdtempSync(join(tmpdir(), 'chatsockets-e2e-'));
}
const pgliteDir = process.env.DATABASE_URL ? undefined : process.env.E2E_PGLITE_DIR;
const database: Record<string, string> = process.env.DATABASE_URL
  ? { DATABASE_URL: process.env.DATABASE_URL }
  : // Attachments' files beside the database, removed with it by global-teardown.ts.
    { PGLITE_DIR: join(pgliteDir as string, 'pglite'), BLOB_DIR: join(pgliteDir as string, 'blobs') };

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  // Bounds on a hang, not on speed: the same machine has run CPU-bound work 2.6 times slower
  // from one hour to the next (the server suite took 149 s, then 390 s), and three journeys that
  // took 20 s ran out of 45 s there with every step passing.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['html', { open: 'never' }]],
  globalTeardown: './global-teardown.ts',
  // For global-teardown.ts, which must not read the environment itself.
  metadata: { pgliteDir },
  use: {
    ...devices['Desktop Chrome'],
    baseURL,
    // The browser's language, which the app follows (a project may change it).
    locale: 'en-US',
    // DOM snapshots and the action log of a failed test, without the screencast: its frames
    // cost more CPU than the rest of the trace (a failed test still gets its screenshot).
    trace: { mode: 'retain-on-failure', screenshots: false, snapshots: true },
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: chromium, args },
  },
  projects: [
    { name: 'en', grepInvert: WHOLE_BROWSER },
    { name: 'en-browser', grep: WHOLE_BROWSER, use: { launchOptions: { executablePath: browser, args } } },
    // A few journeys again in Russian (tests/i18n.ts reads the app's catalogs): a subset, so
    // CI does not run the suite twice.
    { name: 'ru', use: { locale: 'ru-RU' }, testMatch: /(auth|chat|a11y)\.spec\.ts$/ },
  ],
  webServer: {
    // The build production runs (turbo's e2e task builds it first: dependsOn ^build). node
    // directly, not pnpm: pnpm reports the SIGTERM at teardown as a failure.
    command: 'node dist/server.js',
    cwd: '../apps/server',
    url: `${baseURL}/api/health`,
    timeout: 60_000,
    reuseExistingServer: false,
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      ...database,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      // Every test registers fresh users from one address.
      REGISTER_MAX_PER_MIN: '1000',
      CHAT_CREATES_PER_HOUR: '100000',
      MEMBER_ADDS_PER_HOUR: '100000',
      LOGIN_FAILURES_MAX: '1000',
    },
  },
});
