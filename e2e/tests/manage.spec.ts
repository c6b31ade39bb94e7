import { expect, test } from '@playwright/test';
import { attachScreenshot, createGroup, messageWithText, newPerson, openChat, send } from './helpers';

test('[manage] edit and delete own messages; the owner deletes anyone’s; members by role; public join', async ({
  browser,
}, testInfo) => {
  const owner = await newPerson(browser, 'mo');
  const member = await newPerson(browser, 'mm');
  const outsider = await newPerson(browser, 'mx');
  const title = `Public ${Date.now()}`;
  await createGroup(owner.page, title, [member.username], 'Public');
  await openChat(member.page, title);

  // Edit and delete own message; the other side sees both states.
  await send(member.page, 'tpyo here');
  const mine = messageWithText(member.page, 'tpyo here');
  await expect(mine).toHaveAttribute('data-status', 'sent');
  await mine.hover();
  await mine.getByRole('button', { name: 'Edit message' }).click();
  const editor = member.page.getByRole('textbox', { name: 'Edit message' });
  await editor.fill('typo fixed');
  await editor.press('Enter');
  await expect(messageWithText(owner.page, 'typo fixed')).toContainText('edited');
  await expect(messageWithText(member.page, 'typo fixed')).toContainText('edited');

  await send(member.page, 'regrettable');
  const regret = messageWithText(member.page, 'regrettable');
  await regret.hover();
  await regret.getByRole('button', { name: 'Delete message' }).click();
  await regret.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(member.page.getByText('This message was deleted')).toHaveCount(1);
  await expect(owner.page.getByText('This message was deleted')).toHaveCount(1);
  await expect(messageWithText(owner.page, 'regrettable')).toHaveCount(0);

  // The owner may delete anyone's message; a member sees no delete on others' messages.
  await send(owner.page, 'from the owner');
  await expect(messageWithText(member.page, 'from the owner')).toBeVisible();
  await messageWithText(member.page, 'from the owner').hover();
  await expect(
    messageWithText(member.page, 'from the owner').locator('.message__actions button'),
  ).toHaveCount(0);
  const fixed = messageWithText(owner.page, 'typo fixed');
  await fixed.hover();
  await expect(fixed.getByRole('button', { name: 'Edit message' })).toHaveCount(0);
  await fixed.getByRole('button', { name: 'Delete message' }).click();
  await fixed.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(member.page.getByText('This message was deleted')).toHaveCount(2);

  // An outsider finds the public chat, joins, and posts.
  await outsider.page.getByRole('button', { name: 'Browse public' }).click();
  const browse = outsider.page.getByRole('dialog', { name: 'Public chats' });
  await browse.getByLabel('Search by title').fill(title);
  await expect(browse.getByRole('button', { name: `Join ${title}` })).toBeVisible();
  await attachScreenshot(outsider.page, testInfo, 'public chats dialog');
  await browse.getByRole('button', { name: `Join ${title}` }).click();
  await expect(outsider.page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await send(outsider.page, 'hello from outside');
  await expect(messageWithText(owner.page, 'hello from outside')).toBeVisible();

  // Members panel: the owner removes the outsider; the member leaves.
  await owner.page.getByRole('button', { name: 'Members' }).click();
  const panel = owner.page.getByRole('complementary', { name: /Members/ });
  await expect(panel.getByTestId('member')).toHaveCount(3);
  await panel.getByRole('button', { name: `Remove ${outsider.username}` }).click();
  // It asks first (#19).
  await panel.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(panel.getByTestId('member')).toHaveCount(2);
  await member.page.getByRole('button', { name: 'Members' }).click();
  await expect(member.page.getByRole('button', { name: `Remove ${owner.username}` })).toHaveCount(0);
  await member.page.getByRole('button', { name: 'Leave chat' }).click();
  await member.page.getByRole('button', { name: 'Leave', exact: true }).click();
  await expect(member.page.getByTestId('chat-item')).toHaveCount(0);
  await expect(panel.getByTestId('member')).toHaveCount(1, { timeout: 15_000 });
  for (const p of [owner, member, outsider]) await p.context.close();
});
