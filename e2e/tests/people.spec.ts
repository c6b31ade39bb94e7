import { expect, type Page, test } from '@playwright/test';
import {
  chatLink,
  createGroup,
  expectConnected,
  messageWithText,
  newPerson,
  openChat,
  PASSWORD,
  send,
  uniqueName,
} from './helpers';

/** Pushed events must do it: well under the chat list's 60 s safety-net poll. */
const LIVE = { timeout: 10_000 };

async function openMembers(page: Page) {
  await page.getByRole('button', { name: 'Members', exact: true }).click();
  const panel = page.getByRole('complementary', { name: /Members/ });
  await expect(panel).toBeVisible();
  return panel;
}

test('[invite] a link opened signed out leads through sign-up into the chat', async ({ browser }) => {
  const alice = await newPerson(browser, 'inv_a');
  const title = `Invited ${Date.now()}`;
  await createGroup(alice.page, title, []);
  const panel = await openMembers(alice.page);
  await panel.getByRole('button', { name: 'Create invite link' }).click();
  const link = await panel.getByRole('textbox', { name: 'Invite link', exact: true }).inputValue();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  // Signed out: the sign-in screen, with the link kept; switching to sign-up keeps it too.
  await expect(page).toHaveURL(/\/login\?next=%2Finvite%2F/);
  await page.getByRole('button', { name: 'Create an account' }).click();
  await expect(page).toHaveURL(/\/register\?next=%2Finvite%2F/);
  const carol = uniqueName('inv_c');
  await page.getByLabel('Username').fill(carol);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create an account' }).click();

  const invite = page.getByTestId('invite-page');
  await expect(invite.getByRole('heading', { name: title })).toBeVisible();
  await expect(invite).toContainText('1 member');
  await invite.getByRole('button', { name: 'Join chat' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(chatLink(page, title)).toBeVisible();
  // The owner sees the newcomer arrive, live.
  await expect(panel.getByTestId('member').filter({ hasText: carol })).toBeVisible(LIVE);
  await context.close();
});

test('[chat info] a rename and a description show live in a second browser; a delete makes the chat go', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'ren_a');
  const bob = await newPerson(browser, 'ren_b');
  const title = `Before ${Date.now()}`;
  await createGroup(alice.page, title, [bob.username]);
  await expectConnected(bob.page);
  await openChat(bob.page, title);
  // Bob is no owner: no settings for him.
  await expect(bob.page.getByRole('button', { name: 'Chat settings' })).toHaveCount(0);

  await alice.page.getByRole('button', { name: 'Chat settings' }).click();
  const dialog = alice.page.getByRole('dialog', { name: 'Chat settings' });
  const renamed = `After ${Date.now()}`;
  await dialog.getByLabel('Title').fill(renamed);
  await dialog.getByLabel('Description').fill('Where plans are made');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();

  await expect(bob.page.getByRole('heading', { level: 1, name: renamed })).toBeVisible(LIVE);
  await expect(bob.page.getByTestId('chat-description')).toHaveText('Where plans are made');
  await expect(chatLink(bob.page, renamed)).toBeVisible();

  await alice.page.getByRole('button', { name: 'Chat settings' }).click();
  await dialog.getByRole('button', { name: 'Delete chat' }).click();
  await dialog.getByRole('button', { name: 'Delete for everyone' }).click();
  await expect(chatLink(alice.page, renamed)).toHaveCount(0);
  await expect(bob.page.getByTestId('chat-deleted')).toHaveText(/This chat was deleted/, LIVE);
  await expect(chatLink(bob.page, renamed)).toHaveCount(0);
});

/** Records every notification a page shows (the real API, observed), and can hide the page. */
async function watchNotifications(page: Page) {
  await page.addInitScript(() => {
    const Real = window.Notification;
    const shown: Array<{ title: string; tag: string }> = [];
    (window as unknown as { __shown: typeof shown }).__shown = shown;
    class Observed extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push({ title, tag: options?.tag ?? '' });
        (window as unknown as { __last: Notification }).__last = this;
      }
    }
    Object.defineProperty(window, 'Notification', { value: Observed });
  });
}
const shown = (page: Page) =>
  page.evaluate(() => (window as unknown as { __shown: Array<{ title: string; tag: string }> }).__shown);
/** The tab goes to the background, as when the user switches to another app or tab. */
const hide = (page: Page) =>
  page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  });

test('[notifications] a direct message to a hidden app notifies once with two tabs; muted: never; a click opens the chat', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'ntf_a');
  const bob = await newPerson(browser, 'ntf_b');
  await bob.context.grantPermissions(['notifications']);
  await watchNotifications(bob.page);
  await bob.page.reload();
  // Asked from a click, never on load.
  await bob.page.getByTestId('current-user').click();
  const profile = bob.page.getByRole('dialog', { name: 'Your profile' });
  await profile.getByRole('button', { name: 'Turn on browser notifications' }).click();
  await expect(profile.getByRole('button', { name: 'Turn off browser notifications' })).toBeVisible();
  await profile.getByRole('button', { name: 'Cancel' }).click();
  const tab2 = await bob.context.newPage();
  await watchNotifications(tab2);
  await tab2.goto('/');
  await expectConnected(bob.page);
  await expectConnected(tab2);

  await alice.page.getByRole('button', { name: 'Direct message' }).click();
  const dm = alice.page.getByRole('dialog', { name: 'Direct message' });
  await dm.getByLabel('Username').fill(bob.username);
  await dm.getByRole('button', { name: /start|open/i }).click();
  await expect(alice.page.getByRole('heading', { level: 1, name: bob.username })).toBeVisible();
  await expect(chatLink(bob.page, alice.username)).toBeVisible(LIVE);
  await expect(chatLink(tab2, alice.username)).toBeVisible(LIVE);
  await hide(bob.page);
  await hide(tab2);

  await send(alice.page, 'psst, bob');
  await expect.poll(async () => [...(await shown(bob.page)), ...(await shown(tab2))].length, LIVE).toBe(1);
  const [first] = [...(await shown(bob.page)), ...(await shown(tab2))];
  expect(first!.title).toBe(alice.username);
  // Sentinel for "not twice": a second message notifies once more, and still only once each.
  await send(alice.page, 'second');
  await expect.poll(async () => [...(await shown(bob.page)), ...(await shown(tab2))].length, LIVE).toBe(2);

  // The click focuses the app and opens the chat at that message, highlighted.
  const notifier = (await shown(bob.page)).length > 0 ? bob.page : tab2;
  await notifier.evaluate(() =>
    (window as unknown as { __last: Notification }).__last.onclick?.(new Event('click')),
  );
  await expect(notifier.getByRole('heading', { level: 1, name: alice.username })).toBeVisible();
  await expect(notifier.locator('[data-highlighted] [data-testid="message"]')).toContainText('second');

  // Muted (from the other tab: the mute follows live): the next message shows, but never notifies.
  const other = notifier === bob.page ? tab2 : bob.page;
  await openChat(other, alice.username);
  await other.getByRole('button', { name: 'Mute', exact: true }).click();
  await expect(notifier.getByRole('button', { name: 'Unmute' })).toBeVisible(LIVE);
  await send(alice.page, 'you will not hear this');
  await expect(messageWithText(notifier, 'you will not hear this')).toBeVisible(LIVE);
  expect([...(await shown(bob.page)), ...(await shown(tab2))]).toHaveLength(2);
});
