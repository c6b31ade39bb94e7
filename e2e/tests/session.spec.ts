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
  await first.getByRole('button', { name: 'Log out' }).click();
  await expect(first.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(second.getByRole('heading', { name: 'Sign in' })).toBeVisible({ timeout: 5_000 });
  await expect(second).toHaveURL(/\/login$/);
  await context.close();
});
