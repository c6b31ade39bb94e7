import { expect, test } from '@playwright/test';
import { attachScreenshot, chatLink, createGroup, messageWithText, newPerson, send } from './helpers';

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

test('[mobile] at 375px, the longest display name (one word) in a message header does not push the conversation sideways', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'mla');
  const bob = await newPerson(browser, 'mlb');
  const title = `Long names ${Date.now()}`;
  await createGroup(alice.page, title, [bob.username]);
  const status = await alice.page.evaluate(async (displayName) => {
    const res = await fetch('/api/me', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ displayName }),
    });
    return res.status;
  }, 'N'.repeat(64));
  expect(status).toBe(200);
  await send(alice.page, 'hello from a long name');

  await bob.page.setViewportSize({ width: 375, height: 740 });
  await chatLink(bob.page, title).click();
  const message = messageWithText(bob.page, 'hello from a long name');
  await expect(message.getByRole('button', { name: 'N'.repeat(64) })).toBeVisible();
  // Nothing of the list scrolls sideways, and the time beside the name stays on screen.
  const scroller = bob.page.locator('.messages__scroller');
  expect(await scroller.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  const time = await message.locator('time').boundingBox();
  expect((time?.x ?? 0) + (time?.width ?? 0)).toBeLessThanOrEqual(375);
  for (const p of [alice, bob]) await p.context.close();
});
