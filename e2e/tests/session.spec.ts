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

  // Log out right after the second tab's chat-list poll, so that only the socket's 4401 (not
  // the next poll, 10 s away) can bring it to the login screen within the deadline.
  await second.waitForResponse((r) => r.url().endsWith('/api/chats'), { timeout: 15_000 });
  // Only the socket may tell this tab: GET /api/me (the app's other way to notice) is down.
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
