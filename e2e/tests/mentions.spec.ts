import { expect, test } from '@playwright/test';
import {
  chatLink,
  composer,
  createGroup,
  currentChatId,
  expectConnected,
  messages,
  newPerson,
  openChat,
  postMessages,
} from './helpers';

test('[mentions] @ autocompletes a member; the mention badge shows until they read it; a button jumps to it', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'ma');
  const bob = await newPerson(browser, 'mb');
  const title = `Mentions ${Date.now()}`;
  await createGroup(alice.page, title, [bob.username]);
  await expectConnected(bob.page);
  // Enough before the mention that Bob, opening the chat at the first unread, does not see it.
  await postMessages(
    alice.page,
    currentChatId(alice.page),
    Array.from({ length: 40 }, (_, i) => `filler ${i + 1}`),
  );

  // Alice types "@" and part of Bob's name, and picks him from the list with the keyboard.
  await composer(alice.page).fill('');
  await composer(alice.page).pressSequentially(`hey @${bob.username.slice(0, 4)}`);
  const option = alice.page.getByRole('option', { name: `@${bob.username}` });
  await expect(option).toBeVisible();
  await composer(alice.page).press('Enter');
  await expect(composer(alice.page)).toHaveValue(`hey @${bob.username} `);
  await composer(alice.page).pressSequentially('look');
  await composer(alice.page).press('Enter');
  const sent = messages(alice.page).filter({ has: alice.page.locator('.mention') });
  await expect(sent).toHaveAttribute('data-status', 'sent');
  await expect(sent.locator('.mention')).toHaveText(`@${bob.username}`);

  // Bob, elsewhere, sees the chat's mention badge next to its unread count.
  const item = chatLink(bob.page, title);
  await expect(item.getByTestId('mention-badge')).toHaveAttribute('data-count', '1');
  await expect(item.getByTestId('unread-badge')).toHaveAttribute('data-count', '41');

  // He opens the chat at the first unread; the mention is further down, and a button goes to it.
  await openChat(bob.page, title);
  await expect(item.getByTestId('mention-badge')).toHaveAttribute('data-count', '1');
  await bob.page.getByTestId('next-mention').click();
  const mention = messages(bob.page).locator('.mention--me');
  await expect(mention).toHaveText(`@${bob.username}`);
  await expect(mention).toBeInViewport();
  // Seen, so read: the badge and the button go.
  await expect(item.getByTestId('mention-badge')).toHaveCount(0);
  await expect(bob.page.getByTestId('next-mention')).toHaveCount(0);
  // After a reload the server agrees: nothing unread to mention.
  await bob.page.reload();
  await expect(chatLink(bob.page, title)).toBeVisible();
  await expect(chatLink(bob.page, title).getByTestId('mention-badge')).toHaveCount(0);

  await alice.context.close();
  await bob.context.close();
});
