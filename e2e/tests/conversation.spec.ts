import { expect, type Page } from '@playwright/test';
import { test } from './fixtures';
import {
  composer,
  createGroup,
  currentChatId,
  expectConnected,
  messageWithText,
  newPerson,
  openChat,
  postMessages,
  send,
} from './helpers';

const reactionChip = (page: Page, text: string, emoji: string) =>
  messageWithText(page, text).locator(`[data-testid="reaction"][data-emoji="${emoji}"]`);

test('[reply] reply from the UI, then a quote jumps to an original far above what is loaded, and highlights it', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'rep');
  const { page } = alice;
  await createGroup(page, `Replies ${Date.now()}`, []);
  const chatId = currentChatId(page);
  await postMessages(page, chatId, ['the original question']);
  await postMessages(
    page,
    chatId,
    Array.from({ length: 120 }, (_, i) => `filler ${i + 1}`),
  );
  // A reply to seq 1, sent as any client would; the page then loads only the newest 50.
  await page.evaluate(async (id) => {
    const first = (await (await fetch(`/api/chats/${id}/messages?aroundSeq=1&limit=1`)).json()) as {
      messages: Array<{ id: string }>;
    };
    await fetch(`/api/chats/${id}/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        clientId: crypto.randomUUID(),
        body: 'late answer',
        replyToId: first.messages[0]!.id,
      }),
    });
  }, chatId);
  await page.reload();
  const late = messageWithText(page, 'late answer');
  await expect(late).toBeInViewport();
  await expect(messageWithText(page, 'the original question')).toHaveCount(0);

  // Reply from the UI to the newest message: the composer shows what it answers.
  await late.hover();
  await late.getByRole('button', { name: `Reply to ${alice.username}` }).click();
  await expect(page.getByTestId('reply-bar')).toContainText('late answer');
  await send(page, 'answering the answer');
  await expect(page.getByTestId('reply-bar')).toBeHidden();
  const mine = messageWithText(page, 'answering the answer');
  await expect(mine.getByTestId('reply-quote')).toContainText('late answer');

  // The quote of the reply to seq 1 loads the history around it, scrolls to it, highlights it.
  await late.getByTestId('reply-quote').click();
  const original = messageWithText(page, 'the original question');
  await expect(original).toBeInViewport();
  await expect(page.locator('[data-highlighted]')).toContainText('the original question');
  await expect(page.locator('[data-highlighted]')).toHaveCount(0, { timeout: 5_000 });
  await expect(composer(page)).toBeVisible();
  await alice.context.close();
});

test('[reactions] a reaction shows live in a second browser, and what changed while it was away shows after its reconnect', async ({
  browser,
  person: bob,
}) => {
  const alice = await newPerson(browser, 'rea');
  const title = `Reactions ${Date.now()}`;
  await createGroup(alice.page, title, [bob.username]);
  await send(alice.page, 'react to this');
  await openChat(bob.page, title);
  await expect(messageWithText(bob.page, 'react to this')).toBeVisible();

  const target = messageWithText(alice.page, 'react to this');
  await target.hover();
  await target.getByRole('button', { name: 'Add reaction' }).click();
  await target.getByRole('button', { name: 'React with 👍' }).click();
  await expect(reactionChip(alice.page, 'react to this', '👍')).toHaveAttribute('aria-pressed', 'true');
  await expect(reactionChip(bob.page, 'react to this', '👍')).toHaveText('👍1');
  await expect(reactionChip(bob.page, 'react to this', '👍')).toHaveAttribute('aria-pressed', 'false');

  // Bob's connection goes away; meanwhile Alice picks one from the full picker and takes 👍 back.
  await bob.gate.takeDown();
  await target.hover();
  await target.getByRole('button', { name: 'Add reaction' }).click();
  await target.getByRole('button', { name: 'More emoji' }).click();
  const picker = alice.page.getByTestId('emoji-picker');
  await picker.getByRole('combobox').fill('rocket');
  await picker.getByRole('option', { name: /^🚀/ }).first().click();
  await expect(reactionChip(alice.page, 'react to this', '🚀')).toHaveText('🚀1');
  await reactionChip(alice.page, 'react to this', '👍').click();
  await expect(reactionChip(alice.page, 'react to this', '👍')).toHaveCount(0);

  await expect(reactionChip(bob.page, 'react to this', '👍')).toHaveText('👍1'); // still away
  bob.gate.bringUp();
  await expectConnected(bob.page);
  await expect(reactionChip(bob.page, 'react to this', '🚀')).toHaveText('🚀1');
  await expect(reactionChip(bob.page, 'react to this', '👍')).toHaveCount(0);
  // Bob reacts too: Alice sees it live, with both names on hover.
  await reactionChip(bob.page, 'react to this', '🚀').click();
  await expect(reactionChip(alice.page, 'react to this', '🚀')).toHaveText('🚀2');
  await expect(reactionChip(alice.page, 'react to this', '🚀')).toHaveAttribute(
    'title',
    `${alice.username}, ${bob.username} reacted with 🚀`,
  );
  await alice.context.close();
});
