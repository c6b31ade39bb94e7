import { expect, type Page, type Request, test } from '@playwright/test';
import {
  chatLink,
  createGroup,
  currentChatId,
  expectConnected,
  messageWithText,
  newPerson,
  openChat,
  PASSWORD,
  send,
} from './helpers';

/** Pushed events must do it: well under the chat list's 60 s safety-net poll. */
const LIVE = { timeout: 2_000 };

function membersPanel(page: Page) {
  return page.getByRole('complementary', { name: /Members/ });
}

async function openMembers(page: Page) {
  await page.getByRole('button', { name: 'Members', exact: true }).click();
  await expect(membersPanel(page)).toBeVisible();
  return membersPanel(page);
}

/** Marks the document, so a reload (which would lose the mark) is caught. */
async function markDocument(page: Page) {
  await page.evaluate(() => {
    (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
  });
}
async function expectSameDocument(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(
    true,
  );
}

test('[members live] added while looking at the list: the chat appears at once, live; removed: it goes', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'la');
  const bob = await newPerson(browser, 'lb');
  await expectConnected(alice.page);
  await expectConnected(bob.page);
  const title = `Added ${Date.now()}`;
  await createGroup(alice.page, title, []);
  await markDocument(bob.page);
  await expect(chatLink(bob.page, title)).toHaveCount(0);

  const panel = await openMembers(alice.page);
  await panel.getByLabel('Add member').fill(bob.username);
  await panel.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(chatLink(bob.page, title)).toBeVisible(LIVE);
  // Subscribed to it as well: a message moves the badge and the preview.
  await send(alice.page, 'welcome aboard');
  await expect(chatLink(bob.page, title).getByTestId('unread-badge')).toHaveAttribute(
    'data-count',
    '1',
    LIVE,
  );
  await expect(chatLink(bob.page, title)).toContainText('welcome aboard');
  // The other side's members panel follows too.
  await expect(panel.getByTestId('member')).toHaveCount(2);

  await panel.getByRole('button', { name: `Remove ${bob.username}` }).click();

  // It asks first (#19).

  await panel.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(chatLink(bob.page, title)).toHaveCount(0, LIVE);
  await expect(panel.getByTestId('member')).toHaveCount(1);

  // Added again and looking at the chat when removed: it says so, instead of failing.
  await panel.getByLabel('Add member').fill(bob.username);
  await panel.getByRole('button', { name: 'Add', exact: true }).click();
  await openChat(bob.page, title);
  await expect(messageWithText(bob.page, 'welcome aboard')).toBeVisible();
  await panel.getByRole('button', { name: `Remove ${bob.username}` }).click();
  // It asks first (#19).
  await panel.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(bob.page.getByText('You were removed from this chat.')).toBeVisible(LIVE);
  await expect(chatLink(bob.page, title)).toHaveCount(0);
  await expectSameDocument(bob.page);
  await alice.context.close();
  await bob.context.close();
});

test('[seen by] updates within 2 s of the other user reading, pushed, with no polling', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'sa');
  const bob = await newPerson(browser, 'sb');
  await expectConnected(bob.page);
  const title = `Seen ${Date.now()}`;
  await createGroup(alice.page, title, [bob.username]);
  await expectConnected(alice.page);
  await send(alice.page, 'did you see this?');
  const seenBy = alice.page.getByTestId('seen-by');
  await expect(seenBy).toHaveText('Sent');

  // From here on, Alice's page must learn everything from her socket.
  const requests: string[] = [];
  const onRequest = (r: Request) => {
    if (new URL(r.url()).pathname.startsWith('/api/')) requests.push(`${r.method()} ${r.url()}`);
  };
  alice.page.on('request', onRequest);
  // Nobody has read it; that nothing polls it into changing is what `requests` shows below,
  // over the whole time until Bob reads it.
  await expect(seenBy).toHaveText('Sent');

  await openChat(bob.page, title);
  await expect(messageWithText(bob.page, 'did you see this?')).toBeInViewport();
  await expect(seenBy).toHaveText(`Seen by ${bob.username}`, LIVE);
  alice.page.off('request', onRequest);
  expect(requests.filter((r) => r.includes('/readers'))).toEqual([]);
  expect(requests).toEqual([]);

  // Her next message moves the line under it, and Bob, who has the chat open, reads it live.
  await send(alice.page, 'great');
  await expect(messageWithText(alice.page, 'great').getByTestId('seen-by')).toHaveText(
    `Seen by ${bob.username}`,
    LIVE,
  );
  await alice.context.close();
  await bob.context.close();
});

test('[roles] the owner appoints an admin (keyboard), who may then remove plain members and delete their messages', async ({
  browser,
}) => {
  const owner = await newPerson(browser, 'ro');
  const admin = await newPerson(browser, 'ra');
  const plain = await newPerson(browser, 'rp');
  const title = `Roles ${Date.now()}`;
  await createGroup(owner.page, title, [admin.username, plain.username]);
  await openChat(plain.page, title);
  await send(plain.page, 'moderate me');
  await openChat(admin.page, title);
  await expect(messageWithText(admin.page, 'moderate me')).toBeVisible();

  // A plain member: no remove controls and no delete on someone else's message.
  const adminPanel = await openMembers(admin.page);
  await expect(adminPanel.getByTestId('member')).toHaveCount(3);
  await expect(adminPanel.getByRole('button', { name: /^(Remove|Make admin|Revoke admin)/ })).toHaveCount(0);
  await messageWithText(admin.page, 'moderate me').hover();
  await expect(messageWithText(admin.page, 'moderate me').locator('.message__actions button')).toHaveCount(0);

  // The owner promotes with the keyboard.
  const ownerPanel = await openMembers(owner.page);
  const promote = ownerPanel.getByRole('button', { name: `Make admin: ${admin.username}` });
  await promote.focus();
  await owner.page.keyboard.press('Enter');
  const adminRow = ownerPanel
    .getByTestId('member')
    .and(owner.page.locator(`[data-username="${admin.username}"]`));
  await expect(adminRow).toHaveAttribute('data-role', 'admin');
  await expect(ownerPanel.getByRole('button', { name: `Revoke admin: ${admin.username}` })).toBeVisible();
  await expect(ownerPanel.getByRole('button', { name: `Make admin: ${plain.username}` })).toBeVisible();

  // The new admin's panel, open all along, follows live (member.updated): no reload, no reopen.
  const selfRow = adminPanel
    .getByTestId('member')
    .and(admin.page.locator(`[data-username="${admin.username}"]`));
  await expect(selfRow).toHaveAttribute('data-role', 'admin');
  await expect(adminPanel.getByRole('button', { name: `Remove ${plain.username}` })).toBeVisible();
  await expect(adminPanel.getByRole('button', { name: `Remove ${owner.username}` })).toHaveCount(0);
  await expect(adminPanel.getByRole('button', { name: /^(Make admin|Revoke admin)/ })).toHaveCount(0);

  const target = messageWithText(admin.page, 'moderate me');
  await target.hover();
  await expect(target.getByRole('button', { name: 'Edit message' })).toHaveCount(0);
  await target.getByRole('button', { name: 'Delete message' }).click();
  await target.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(plain.page.getByText('This message was deleted')).toHaveCount(1);
  await expect(owner.page.getByText('This message was deleted')).toHaveCount(1);
  await expect(messageWithText(plain.page, 'moderate me')).toHaveCount(0);

  // And back: the owner revokes (keyboard again); the admin's controls go with it, live.
  const revoke = ownerPanel.getByRole('button', { name: `Revoke admin: ${admin.username}` });
  await revoke.focus();
  await owner.page.keyboard.press('Enter');
  await expect(adminRow).toHaveAttribute('data-role', 'member');
  await expect(selfRow).toHaveAttribute('data-role', 'member');
  await expect(adminPanel.getByRole('button', { name: `Remove ${plain.username}` })).toHaveCount(0);
  for (const p of [owner, admin, plain]) await p.context.close();
});

test('[deep link] a signed-out link to a chat returns to that chat after signing in', async ({ browser }) => {
  const alice = await newPerson(browser, 'dl');
  const title = `Deep ${Date.now()}`;
  await createGroup(alice.page, title, []);
  await send(alice.page, 'right here');
  const chatUrl = alice.page.url();
  const chatId = currentChatId(alice.page);
  await alice.page.getByRole('button', { name: 'Log out' }).click();
  await expect(alice.page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  await alice.page.goto(chatUrl);
  await expect(alice.page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(alice.page).toHaveURL(/\/login\?next=/);
  await alice.page.getByLabel('Username').fill(alice.username);
  await alice.page.getByLabel('Password').fill(PASSWORD);
  await alice.page.getByRole('button', { name: 'Sign in' }).click();
  await expect(alice.page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  expect(currentChatId(alice.page)).toBe(chatId);
  await expect(messageWithText(alice.page, 'right here')).toBeVisible();
  await alice.context.close();
});

test('[members panel] names and "role · presence" are not cut or wrapped beside the actions (#19 bug 2)', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'pa');
  const bob = await newPerson(browser, 'pb_longer_name');
  await alice.page.setViewportSize({ width: 1280, height: 900 });
  const title = `Panel ${Date.now()}`;
  await createGroup(alice.page, title, [bob.username]);
  const panel = await openMembers(alice.page);
  const row = panel.locator(`[data-testid="member"][data-username="${bob.username}"]`);
  await expect(row.getByRole('button', { name: `Make admin: ${bob.username}` })).toBeVisible();
  const name = row.locator('.member__name');
  const fits = await name.evaluate((el) => el.scrollWidth <= el.clientWidth);
  expect(fits, 'the whole username is shown').toBe(true);
  // One line: no taller than the one-line name above it.
  const height = (sel: string) => row.locator(sel).evaluate((el) => el.getBoundingClientRect().height);
  expect(await height('.member__role')).toBeLessThanOrEqual(20);
  await alice.context.close();
});

test('[members] two tabs: leaving a chat in one, the other says "You left this chat", not that you were removed', async ({
  browser,
}) => {
  const owner = await newPerson(browser, 'lo');
  const member = await newPerson(browser, 'lm');
  const title = `Leave two tabs ${Date.now()}`;
  await createGroup(owner.page, title, [member.username]);
  const other = await member.context.newPage();
  await other.goto('/');
  await openChat(other, title);
  await openChat(member.page, title);
  await expectConnected(other);

  await member.page.getByRole('button', { name: 'Members' }).click();
  await member.page.getByRole('button', { name: 'Leave chat' }).click();
  await member.page.getByRole('button', { name: 'Leave', exact: true }).click();
  // This tab goes back to the list; the other, still on the chat, says what happened.
  await expect(chatLink(member.page, title)).toHaveCount(0);
  await expect(other.getByTestId('no-longer-member')).toHaveText(/You left this chat\./);
  for (const p of [owner, member]) await p.context.close();
});
