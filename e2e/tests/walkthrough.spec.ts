import { expect, test } from '@playwright/test';
import {
  chatLink,
  composer,
  createGroup,
  currentChatId,
  messageWithText,
  newPerson,
  postMessages,
  send,
} from './helpers';

// The walkthrough's bugs (#19), each failing before its fix.

test('[bug 1] a long chat opens at its newest message with no "Jump to latest" over it', async ({
  browser,
}) => {
  // Posting the history is most of this test; a busy machine needs more than the default.
  test.setTimeout(120_000);
  const alice = await newPerson(browser, 'jl');
  await createGroup(alice.page, `Long ${Date.now()}`, []);
  const chatId = currentChatId(alice.page);
  // Rows of different heights, so the virtualizer's estimates are wrong and get corrected on screen.
  const bodies = Array.from({ length: 80 }, (_, i) =>
    Array.from({ length: 1 + ((i * 7) % 5) }, (_, l) => `m${i + 1} line ${l + 1}`).join('\n'),
  );
  await postMessages(alice.page, chatId, bodies);
  const newest = alice.page.locator('[data-testid="message"][data-seq="80"]');
  const jump = alice.page.getByRole('button', { name: /Jump to latest|new message/ });
  for (let load = 0; load < 2; load++) {
    await alice.page.reload();
    await expect(newest).toBeInViewport({ ratio: 1 });
    // Scrolled to the end, the list says so: at the bottom, there is nothing to jump to.
    await expect
      .poll(() =>
        alice.page
          .getByTestId('message-list')
          .evaluate((el) => Math.round(el.scrollHeight - el.clientHeight - el.scrollTop)),
      )
      .toBeLessThanOrEqual(24);
    await expect(jump).toBeHidden();
  }
  await alice.context.close();
});

test('[bug 6] at 375 px Edit and Delete wait in a tap menu, and a 4-line draft keeps the last message in sight', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'tap');
  const { page } = alice;
  await page.setViewportSize({ width: 375, height: 740 });
  await createGroup(page, `Tap ${Date.now()}`, []);
  await postMessages(
    page,
    currentChatId(page),
    Array.from({ length: 30 }, (_, i) => `note ${i + 1}`),
  );
  const last = page.locator('[data-testid="message"][data-seq="30"]');
  await expect(last).toBeVisible();
  // No message shows its buttons until asked.
  await expect(
    page.getByRole('button', { name: /^(Edit|Delete) message from|^Reply to / }).filter({ visible: true }),
  ).toHaveCount(0);
  await last.locator('.message__bubble').click();
  await expect(last.getByRole('button', { name: /^Edit message from/ })).toBeVisible();
  // Reply and react come with the same tap (no hover on a touch screen).
  await expect(last.getByRole('button', { name: /^Reply to / })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Reply to / }).filter({ visible: true })).toHaveCount(1);
  await expect(
    page.getByRole('button', { name: /^Edit message from/ }).filter({ visible: true }),
  ).toHaveCount(1);
  await last.getByRole('button', { name: /^Edit message from/ }).click();
  await expect(page.getByRole('textbox', { name: 'Edit message' })).toHaveValue('note 30');
  await page.getByRole('button', { name: 'Cancel' }).click();

  // Four lines in the composer: the list's box shrinks, the newest message stays on screen.
  const box = composer(page);
  await box.fill('one\ntwo\nthree\nfour');
  await expect(box).toHaveAttribute('rows', '4');
  const list = page.getByTestId('message-list');
  await expect
    .poll(async () => {
      const [l, m] = await Promise.all([list.boundingBox(), last.boundingBox()]);
      return l && m ? Math.round(m.y + m.height - (l.y + l.height)) : 999;
    })
    .toBeLessThanOrEqual(0);
  await alice.context.close();
});

test('[bug 8] Enter on a chat in the list puts the focus in its composer; message buttons name their message', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'kb');
  const { page } = alice;
  const first = `Keys ${Date.now()}`;
  await createGroup(page, first, []);
  await send(page, 'hello keys');
  await createGroup(page, `${first} two`, []);
  await chatLink(page, first).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: first })).toBeVisible();
  await expect(composer(page)).toBeFocused();
  // Escape closes the members panel, as it closes a dialog (fixed earlier; still holds).
  await page.getByRole('button', { name: 'Members', exact: true }).click();
  const panel = page.getByRole('complementary', { name: /^Members \(/ });
  await expect(panel).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  const mine = messageWithText(page, 'hello keys');
  const time = ((await mine.locator('time').textContent()) ?? '').trim();
  await expect(
    mine.getByRole('button', { name: `Edit message from ${alice.username} at ${time}`, exact: true }),
  ).toBeAttached();
  await expect(
    mine.getByRole('button', { name: `Delete message from ${alice.username} at ${time}`, exact: true }),
  ).toBeAttached();
  await alice.context.close();
});
