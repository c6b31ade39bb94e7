import { expect, test } from '@playwright/test';
import { attachScreenshot, createGroup, messageWithText, newPerson, send } from './helpers';

test('[mobile] usable at 375px: one pane at a time, nothing wider than the screen, keyboard send', async ({
  browser,
}, testInfo) => {
  const person = await newPerson(browser, 'mob');
  const { page } = person;
  await page.setViewportSize({ width: 375, height: 740 });
  const noOverflow = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  await expect(page.getByRole('navigation', { name: 'Chats' })).toBeVisible();
  expect(await noOverflow()).toBe(true);
  const title = `Pocket ${Date.now()}`;
  await createGroup(page, title, []);
  // The chat replaces the list.
  await expect(page.getByRole('navigation', { name: 'Chats' })).toBeHidden();
  await send(page, 'a long line that has to wrap on a narrow phone screen without overflowing anything');
  await send(page, 'https://example.com/a/very/long/url/that/should/wrap/instead/of/overflowing/the/screen');
  await expect(
    messageWithText(
      page,
      'a long line that has to wrap on a narrow phone screen without overflowing anything',
    ),
  ).toHaveAttribute('data-status', 'sent');
  // Shift+Enter is a newline, Enter sends.
  const box = page.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill('two');
  await box.press('Shift+Enter');
  await box.pressSequentially('lines');
  await expect(box).toHaveValue('two\nlines');
  await box.press('Enter');
  await expect(messageWithText(page, 'two\nlines')).toHaveAttribute('data-status', 'sent');
  expect(await noOverflow()).toBe(true);
  await attachScreenshot(page, testInfo, 'chat at 375px');

  await page.getByRole('button', { name: 'Back to chats' }).click();
  await expect(page.getByRole('navigation', { name: 'Chats' })).toBeVisible();
  expect(await noOverflow()).toBe(true);
  await attachScreenshot(page, testInfo, 'chat list at 375px');
  await person.context.close();
});
