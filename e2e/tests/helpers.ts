import { type Browser, type BrowserContext, expect, type Page, type TestInfo } from '@playwright/test';
import { t } from './i18n';

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
  await page.getByLabel(t('auth:username')).fill(username);
  await page.getByLabel(t('auth:password')).fill(PASSWORD);
  await page.getByRole('button', { name: t('auth:createAccount') }).click();
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

/** Creates a group chat through the dialog and waits until it is open. */
export async function createGroup(
  page: Page,
  title: string,
  members: string[],
  visibility: 'Private' | 'Public' = 'Private',
): Promise<void> {
  await page.getByRole('button', { name: t('chats:newGroup') }).click();
  const dialog = page.getByRole('dialog', { name: t('chats:createGroup.title') });
  await dialog.getByLabel(t('chats:createGroup.chatTitle')).fill(title);
  await dialog
    .getByLabel(t(visibility === 'Public' ? 'chats:createGroup.public' : 'chats:createGroup.private'))
    .check();
  await dialog.getByLabel(t('chats:createGroup.members')).fill(members.join(', '));
  await dialog.getByRole('button', { name: t('chats:createGroup.create') }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
}

export function chatLink(page: Page, title: string) {
  return page.getByTestId('chat-item').filter({ has: page.getByText(title, { exact: true }) });
}

/**
 * Opens a chat from the list. A chat someone else created with us arrives by a `member.joined`
 * event, not by polling (that is 60 s away), so the default timeout is plenty.
 */
export async function openChat(page: Page, title: string): Promise<void> {
  await chatLink(page, title).click({ timeout: 10_000 });
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
}

export function composer(page: Page) {
  return page.getByRole('textbox', { name: t('messages:label'), exact: true });
}

export async function send(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

export function messages(page: Page) {
  return page.getByTestId('message');
}

export function messageWithText(page: Page, text: string) {
  return messages(page).filter({
    has: page.locator('.message__body', { hasText: new RegExp(`^${escapeRe(text)}$`) }),
  });
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Bodies of the rendered messages, top to bottom (the list is virtualized: only what is near the view). */
export async function renderedBodies(page: Page): Promise<string[]> {
  return page.locator('[data-testid="message"] .message__body').allInnerTexts();
}

/** The server's view of a chat, read with the page's own session (same origin, cookie). */
export async function serverMessages(
  page: Page,
  chatId: string,
): Promise<Array<{ seq: number; body: string }>> {
  return page.evaluate(async (id) => {
    const res = await fetch(`/api/chats/${id}/messages?limit=200`);
    const json = (await res.json()) as { messages: Array<{ seq: number; body: string }> };
    return json.messages.map((m) => ({ seq: m.seq, body: m.body }));
  }, chatId);
}

export function currentChatId(page: Page): string {
  const m = /\/chats\/([^/?#]+)/.exec(page.url());
  if (!m?.[1]) throw new Error(`not on a chat page: ${page.url()}`);
  return decodeURIComponent(m[1]);
}

/** Posts messages over HTTP from the page (same origin, cookie), one after another. */
export async function postMessages(page: Page, chatId: string, bodies: string[]): Promise<void> {
  await page.evaluate(
    async ({ id, list }) => {
      for (const body of list) {
        const res = await fetch(`/api/chats/${id}/messages`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ clientId: crypto.randomUUID(), body }),
        });
        if (!res.ok) throw new Error(`send failed: ${res.status}`);
      }
    },
    { id: chatId, list: bodies },
  );
}
