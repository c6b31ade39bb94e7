import { expect, test } from '@playwright/test';
import { chatLink, composer, createGroup, expectConnected, messages, newPerson, openChat } from './helpers';

test('[mentions] @ autocompletes a member; the mention badge shows in their list until they read it', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'ma');
  const bob = await newPerson(browser, 'mb');
  const title = `Mentions ${Date.now()}`;
  await createGroup(alice.page, title, [bob.username]);
  await expectConnected(bob.page);

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
  await expect(item.getByTestId('unread-badge')).toHaveAttribute('data-count', '1');

  // Opening the chat reads it: the mention stands out for him, and the badge goes.
  await openChat(bob.page, title);
  const mention = messages(bob.page).locator('.mention--me');
  await expect(mention).toHaveText(`@${bob.username}`);
  await expect(item.getByTestId('mention-badge')).toHaveCount(0);
  // After a reload the server agrees: nothing unread to mention.
  await bob.page.reload();
  await expect(chatLink(bob.page, title)).toBeVisible();
  await expect(chatLink(bob.page, title).getByTestId('mention-badge')).toHaveCount(0);

  await alice.context.close();
  await bob.context.close();
});
