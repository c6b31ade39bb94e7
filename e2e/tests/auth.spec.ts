import { expect, test } from '@playwright/test';
import { attachScreenshot, PASSWORD, registerInUi, uniqueName } from './helpers';
import { lang, t } from './i18n';

test('[auth] register shows the signed-in shell, logout returns to login, login works again', async ({
  page,
}, testInfo) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: t('auth:signIn') })).toBeVisible();
  // The browser's language is the interface's, and the page says which it is.
  await expect(page.locator('html')).toHaveAttribute('lang', lang());
  await attachScreenshot(page, testInfo, 'login screen');

  const username = uniqueName('reg');
  await registerInUi(page, username);
  await expect(page).not.toHaveURL(/\/(login|register)$/);
  // The chat list with no chat open still has the page's one top-level heading (axe page-has-heading-one).
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
  await attachScreenshot(page, testInfo, 'signed-in shell');

  // GET /api/me decides after a reload: the cookie keeps the session.
  await page.reload();
  await expect(page.getByTestId('current-user')).toHaveText(username);

  await page.getByRole('button', { name: t('logOut') }).click();
  await expect(page.getByRole('heading', { name: t('auth:signIn') })).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);
  await page.reload();
  await expect(page.getByRole('heading', { name: t('auth:signIn') })).toBeVisible();

  await page.getByLabel(t('auth:username')).fill(username);
  await page.getByLabel(t('auth:password')).fill(PASSWORD);
  await page.getByRole('button', { name: t('auth:signIn') }).click();
  await expect(page.getByTestId('current-user')).toHaveText(username);
});

test('[auth] errors come from the protocol: taken username and wrong password', async ({ page, browser }) => {
  const username = uniqueName('dup');
  await registerInUi(page, username);

  const other = await browser.newContext();
  const p2 = await other.newPage();
  await p2.goto('/register');
  await p2.getByLabel(t('auth:username')).fill(username);
  await p2.getByLabel(t('auth:password')).fill(PASSWORD);
  await p2.getByRole('button', { name: t('auth:createAccount') }).click();
  await expect(p2.getByRole('alert')).toHaveText(t('errors:register.CONFLICT'));
  await expect(p2.getByTestId('current-user')).toHaveCount(0);

  await p2.getByRole('button', { name: t('auth:signIn') }).click();
  await p2.getByLabel(t('auth:username')).fill(username);
  await p2.getByLabel(t('auth:password')).fill('definitely wrong');
  await p2.getByRole('button', { name: t('auth:signIn') }).click();
  await expect(p2.getByRole('alert')).toHaveText(t('errors:login.UNAUTHORIZED'));
  await other.close();
});
