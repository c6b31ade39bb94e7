import { expect, test } from '@playwright/test';
import { createGroup, currentChatId, messageWithText, newPerson, postMessages } from './helpers';

test('[search] a word in an old message is found with its stem, and a click opens the chat there, highlighted', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'se');
  const title = `Search ${Date.now()}`;
  await createGroup(alice.page, title, []);
  const chatId = currentChatId(alice.page);
  // The match is the first of 120 messages: two pages behind the newest.
  await postMessages(alice.page, chatId, [
    'Старые сообщения про жирафов',
    ...Array.from({ length: 119 }, (_, i) => `filler ${i}`),
  ]);
  await alice.page.reload();
  await expect(messageWithText(alice.page, 'filler 118')).toBeInViewport();

  await alice.page.getByTestId('open-search').click();
  await alice.page.getByRole('searchbox', { name: 'Search messages' }).fill('сообщение жирафы');
  const result = alice.page.getByTestId('search-result');
  await expect(result).toHaveCount(1);
  await expect(result.locator('mark').first()).toHaveText('сообщения');
  await result.click();

  const target = alice.page.locator('[data-highlighted] [data-testid="message"]');
  await expect(target).toHaveAttribute('data-seq', '1', { timeout: 15_000 });
  await expect(target).toBeInViewport();
  await expect(target).toContainText('Старые сообщения про жирафов');
  await alice.context.close();
});
