import { expect, type Page, test } from '@playwright/test';
import { createGroup, currentChatId, messageWithText, newPerson, postMessages } from './helpers';

const label = (i: number) => `h${String(i).padStart(3, '0')}`;

async function topOf(page: Page, text: string): Promise<number> {
  const box = await messageWithText(page, text).boundingBox();
  if (!box) throw new Error(`${text} is not rendered`);
  return box.y;
}

async function renderedSeqs(page: Page): Promise<number[]> {
  return page.getByTestId('message').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
}

test('[history] scrolling up pages older messages in without moving what is on screen', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'hi');
  await createGroup(alice.page, `History ${Date.now()}`, []);
  const chatId = currentChatId(alice.page);
  await postMessages(
    alice.page,
    chatId,
    Array.from({ length: 75 }, (_, i) => label(i + 1)),
  );
  await alice.page.reload();

  // Opens at the newest; the first page holds the newest 50 (h026..h075).
  await expect(messageWithText(alice.page, 'h075')).toBeInViewport();
  const list = alice.page.getByTestId('message-list');

  // Scroll to the top of the first page: h026 is on screen when the older page arrives.
  await list.evaluate((el) => el.scrollTo({ top: 0 }));
  await expect(messageWithText(alice.page, 'h026')).toBeInViewport();
  const before = await topOf(alice.page, 'h026');
  await expect(messageWithText(alice.page, 'h025')).toBeAttached();
  // Once the new rows are measured, h026 is where it was (retried until then, not slept on).
  await expect.poll(async () => Math.abs((await topOf(alice.page, 'h026')) - before)).toBeLessThanOrEqual(2);

  // Keep going to the very first message; every seq is rendered once and in order.
  await expect
    .poll(
      async () => {
        await list.evaluate((el) => el.scrollTo({ top: 0 }));
        return messageWithText(alice.page, 'h001').count();
      },
      { timeout: 15_000 },
    )
    .toBeGreaterThan(0);
  await expect(messageWithText(alice.page, 'h001')).toBeVisible();
  const seqs = await renderedSeqs(alice.page);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(new Set(seqs).size).toBe(seqs.length);
  expect(seqs[0]).toBe(1);
  await alice.context.close();
});
