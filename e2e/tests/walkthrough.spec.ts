import { expect, test } from '@playwright/test';
import { createGroup, currentChatId, newPerson, postMessages } from './helpers';

// The walkthrough's bugs (#19), each failing before its fix.

test('[bug 1] a long chat opens at its newest message with no "Jump to latest" over it', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'jl');
  await createGroup(alice.page, `Long ${Date.now()}`, []);
  const chatId = currentChatId(alice.page);
  // Rows of different heights, so the virtualizer's estimates are wrong and get corrected on screen.
  const bodies = Array.from({ length: 120 }, (_, i) =>
    Array.from({ length: 1 + ((i * 7) % 5) }, (_, l) => `m${i + 1} line ${l + 1}`).join('\n'),
  );
  await postMessages(alice.page, chatId, bodies);
  const newest = alice.page.locator('[data-testid="message"][data-seq="120"]');
  const jump = alice.page.getByRole('button', { name: /Jump to latest|new message/ });
  for (let load = 0; load < 3; load++) {
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
