import { expect, test } from '@playwright/test';
import { expectConnected, newPerson } from './helpers';

test('[session] logout in one tab sends the other tab of the same session to login (4401)', async ({
  browser,
}) => {
  const { context, page: first } = await newPerson(browser, 'tab');
  const second = await context.newPage();
  await second.goto('/');
  await expectConnected(first);
  await expectConnected(second);

  // Only the socket may tell this tab: GET /api/me (the app's other way to notice, after any
  // 401, such as the chat list's slow safety-net poll) is down.
  await second.route('**/api/me', (route) =>
    route.fulfill({
      status: 503,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'down for the test' } }),
    }),
  );
  const reconnects: string[] = [];
  second.on('websocket', (ws) => reconnects.push(ws.url()));
  await first.getByRole('button', { name: 'Log out' }).click();
  await expect(first.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(second.getByRole('heading', { name: 'Sign in' })).toBeVisible({ timeout: 5_000 });
  await expect(second).toHaveURL(/\/login$/);
  // 4401 means "session over": the tab does not even try to reconnect, not even when told the
  // network is back (which makes a waiting socket retry at once). A socket the test opens
  // afterwards is the sentinel: the page's sockets are reported in order.
  await second.evaluate(() => window.dispatchEvent(new Event('online')));
  await second.evaluate(() => {
    new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws?sentinel`).close();
  });
  await expect.poll(() => reconnects.length).toBeGreaterThan(0);
  expect(reconnects).toHaveLength(1);
  expect(reconnects[0]).toContain('sentinel');
  await context.close();
});
