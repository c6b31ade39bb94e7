import { expect, type Page, test } from '@playwright/test';
import { chatLink, createGroup, expectConnected, newPerson, openChat, PASSWORD, uniqueName } from './helpers';

/** Pushed events must do it: well under the chat list's 60 s safety-net poll. */
const LIVE = { timeout: 3_000 };

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
