import { expect, test } from '@playwright/test';
import { chatLink, createGroup, messageWithText, newPerson, openChat, send } from './helpers';

test('[unread] the badge counts up in one chat while reading another; opening it jumps to the first unread', async ({
  browser,
}, testInfo) => {
  test.slow(); // 55 messages sent through the UI: ~30 s alone, near the default 45 s on a busy machine
  const alice = await newPerson(browser, 'ua');
  const bob = await newPerson(browser, 'ub');
  const busy = `Busy ${Date.now()}`;
  const quiet = `Quiet ${Date.now()}`;
  await createGroup(alice.page, quiet, [bob.username]);
  await createGroup(alice.page, busy, [bob.username]);
  for (let i = 1; i <= 30; i++) await send(alice.page, `old ${i}`);
  await expect(messageWithText(alice.page, 'old 30')).toHaveAttribute('data-status', 'sent');

  // Bob reads everything in Busy, then moves to Quiet.
  await openChat(bob.page, busy);
  await expect(messageWithText(bob.page, 'old 1')).toBeInViewport();
  await bob.page.getByRole('button', { name: 'Jump to latest ↓' }).click();
  await expect(messageWithText(bob.page, 'old 30')).toBeInViewport();
  await expect(chatLink(bob.page, busy).getByTestId('unread-badge')).toHaveCount(0);
  await openChat(bob.page, quiet);

  const badge = chatLink(bob.page, busy).getByTestId('unread-badge');
  for (let i = 1; i <= 25; i++) {
    await send(alice.page, `new ${i}`);
    if (i === 1) await expect(badge).toHaveAttribute('data-count', '1');
  }
  await expect(badge).toHaveAttribute('data-count', '25');
  // The tab says so too (#19 bug 10).
  await expect(bob.page).toHaveTitle('(25) Chatsockets');
  await expect(chatLink(bob.page, quiet).getByTestId('unread-badge')).toHaveCount(0);
  await testInfo.attach('chat list with unread badge', {
    body: await bob.page.screenshot(),
    contentType: 'image/png',
  });

  await openChat(bob.page, busy);
  await expect(bob.page.getByTestId('unread-divider')).toBeInViewport();
  await expect(messageWithText(bob.page, 'new 1')).toBeInViewport();
  // Not at the bottom: the list opened at the first unread, and offers the way down.
  await expect(bob.page.getByRole('button', { name: /Jump to latest|new message/ })).toBeVisible();
  // What is on screen is read; the rest still counts.
  await expect.poll(async () => Number(await badge.getAttribute('data-count'))).toBeLessThan(25);
  await expect(badge).toBeVisible();

  await bob.page.getByRole('button', { name: /Jump to latest|new message/ }).click();
  await expect(messageWithText(bob.page, 'new 25')).toBeInViewport();
  await expect(badge).toHaveCount(0);

  // The same on a reload straight into the chat's URL (the list loads first, then the jump).
  const busyUrl = bob.page.url();
  await openChat(bob.page, quiet);
  for (let i = 1; i <= 12; i++) await send(alice.page, `late ${i}`);
  await expect(badge).toHaveAttribute('data-count', '12');
  await bob.page.goto(busyUrl);
  await expect(bob.page.getByTestId('unread-divider')).toBeInViewport();
  await expect(messageWithText(bob.page, 'late 1')).toBeInViewport();
  await alice.context.close();
  await bob.context.close();
});
