import { PROTOCOL_VERSION } from '@chatsockets/protocol';
import { expect, test } from './fixtures';
import { createGroup, expectConnected, messageWithText, send } from './helpers';

test('[reconnect-2s] a visible tab is back within 2 s of the server returning', async ({ person }) => {
  const { page, gate } = person;
  await expectConnected(page);
  await gate.takeDown();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'reconnecting');
  const sessionChecks: number[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/me') sessionChecks.push(Date.now());
  });
  // Down long enough that an uncapped exponential backoff would be far past 2 s.
  const downAt = Date.now();
  await page.waitForTimeout(8_000);
  // Trying every second must not mean asking GET /api/me every second as well (at most every 10 s).
  expect(sessionChecks.length).toBeLessThanOrEqual(1);
  const triesWhileDown = gate.attempts.length;
  // Where in the cycle the server returns is luck; the longest wait between tries is the worst case.
  const tries = [downAt, ...gate.attempts.filter((t) => t >= downAt)];
  const longestWaitMs = Math.max(...tries.slice(1).map((t, i) => t - tries[i]!));
  test
    .info()
    .annotations.push({ type: 'longest wait between tries (ms)', description: String(longestWaitMs) });
  expect(longestWaitMs).toBeLessThanOrEqual(2_000);
  const back = Date.now();
  gate.bringUp();
  await expectConnected(page);
  const firstThrough = gate.attempts.slice(triesWhileDown)[0];
  expect(firstThrough, 'a connect after the server returned').toBeDefined();
  const reconnectedAfterMs = firstThrough! - back;
  test.info().annotations.push({ type: 'reconnected after (ms)', description: String(reconnectedAfterMs) });
  expect(reconnectedAfterMs).toBeLessThanOrEqual(2_000);
});

test('[retry-now] "Retry now" reconnects at once instead of waiting out the backoff', async ({ person }) => {
  const { page, gate } = person;
  await expectConnected(page);
  // A hidden tab backs off up to 30 s: long enough that a reconnect within a second is the button's.
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  });
  await gate.takeDown();
  const status = page.getByTestId('connection-status');
  await expect(status).toHaveText(/Reconnecting in ([4-9]|\d\d)s/, { timeout: 20_000 });
  gate.bringUp();
  const before = gate.attempts.length;
  await page.getByRole('button', { name: 'Retry now' }).click();
  await expect(status).toHaveAttribute('data-state', 'connected', { timeout: 2_000 });
  expect(gate.attempts.length).toBe(before + 1);
  await expect(page.getByRole('button', { name: 'Retry now' })).toBeHidden();
});

test('[protocol] a server with a newer protocol asks for a reload, and the app keeps working', async ({
  person,
}) => {
  const { page, gate } = person;
  await expectConnected(page);
  await expect(page.getByText('A newer version is available.')).toBeHidden();
  // A deploy: the server goes away and comes back newer.
  gate.claimProtocolVersion(PROTOCOL_VERSION + 1);
  await gate.takeDown();
  gate.bringUp();
  await expect(page.getByRole('status').filter({ hasText: 'A newer version is available.' })).toBeVisible();
  await expectConnected(page);
  // Still working: a message goes out and is acknowledged.
  await createGroup(page, `After deploy ${Date.now()}`, []);
  await send(page, 'still here');
  await expect(messageWithText(page, 'still here')).toHaveAttribute('data-status', 'sent');
  // Reloading gets the new build (here: the server stops claiming a newer version).
  gate.claimProtocolVersion(PROTOCOL_VERSION);
  await page.getByRole('button', { name: 'Reload' }).click();
  await expectConnected(page);
  await expect(page.getByText('A newer version is available.')).toBeHidden();
});

test('[mobile] at 375px, "Retry now" and the reload prompt fit: nothing wider than the screen', async ({
  person,
}) => {
  const { page, gate } = person;
  await page.setViewportSize({ width: 375, height: 700 });
  await expectConnected(page);
  const width = () => page.evaluate(() => document.documentElement.scrollWidth);
  gate.claimProtocolVersion(PROTOCOL_VERSION + 1);
  await gate.takeDown();
  gate.bringUp();
  await expect(page.getByText('A newer version is available.')).toBeVisible();
  expect(await width()).toBeLessThanOrEqual(375);
  // Both at once (the gate stays down): the widest the bar gets.
  await gate.takeDown();
  await expect(page.getByRole('button', { name: 'Retry now' })).toBeVisible();
  expect(await width()).toBeLessThanOrEqual(375);
  await expect(page.getByRole('button', { name: 'Log out' })).toBeInViewport({ ratio: 1 });
});
