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
  // 4401 means "session over": the tab does not even try to reconnect.
  await second.waitForTimeout(1_500);
  expect(reconnects).toEqual([]);
  await context.close();
});
