import { type Browser, type BrowserContext, expect, type Page, type TestInfo } from '@playwright/test';

let counter = 0;

/** A username no other test (or earlier run on the same database) has used. */
export function uniqueName(prefix: string): string {
  counter += 1;
  const rand = Math.random().toString(36).slice(2, 7);
  return `${prefix}_${Date.now().toString(36)}${rand}${counter}`.slice(0, 32);
}

export const PASSWORD = 'correct horse battery';

export interface Person {
  username: string;
  context: BrowserContext;
  page: Page;
}

/** Registers through the UI and waits for the signed-in shell. */
export async function registerInUi(page: Page, username: string): Promise<void> {
  await page.goto('/register');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create an account' }).click();
  await expect(page.getByTestId('current-user')).toHaveText(username);
}

/** A fresh browser context (its own cookie jar) with a freshly registered user. */
export async function newPerson(browser: Browser, prefix: string): Promise<Person> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const username = uniqueName(prefix);
  await registerInUi(page, username);
  return { username, context, page };
}

export async function expectConnected(page: Page): Promise<void> {
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', {
    timeout: 15_000,
  });
}

export async function attachScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await testInfo.attach(name, { body: await page.screenshot(), contentType: 'image/png' });
}
