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

test('[mobile] at 375px, a chat description of 500 characters takes two lines of the header until tapped, not the screen', async ({
  browser,
}) => {
  const person = await newPerson(browser, 'mdesc');
  const { page } = person;
  await page.setViewportSize({ width: 375, height: 740 });
  await createGroup(page, `Described ${Date.now()}`, []);
  const description = 'All about this group and its rules, at the greatest length. '
    .repeat(9)
    .slice(0, 500)
    .trim();
  const chatId = /\/chats\/([^/?#]+)/.exec(page.url())?.[1];
  const status = await page.evaluate(
    async ({ id, description }) =>
      (
        await fetch(`/api/chats/${id}`, {
          method: 'PATCH',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ description }),
        })
      ).status,
    { id: chatId, description },
  );
  expect(status).toBe(200);
  const shown = page.getByTestId('chat-description');
  await expect(shown).toHaveText(description);
  await send(page, 'still room to read');
  await expect(messageWithText(page, 'still room to read')).toBeVisible();
  // The conversation keeps its room (a quarter of this screen and more; the unfolded description left it a strip).
  const lineHeight = await shown.evaluate((el) => Number.parseFloat(getComputedStyle(el).lineHeight));
  const closed = (await shown.boundingBox())?.height ?? 0;
  expect(closed).toBeLessThanOrEqual(lineHeight * 2 + 1);
  expect((await page.locator('.messages__scroller').boundingBox())?.height ?? 0).toBeGreaterThan(740 / 4);
  // A tap shows all of it, and another folds it again.
  await shown.click();
  await expect(shown).toHaveAttribute('aria-expanded', 'true');
  expect((await shown.boundingBox())?.height ?? 0).toBeGreaterThan(lineHeight * 5);
  await shown.click();
  await expect(shown).toHaveAttribute('aria-expanded', 'false');
  await person.context.close();
});
