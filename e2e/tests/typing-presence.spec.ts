import { expect, test } from '@playwright/test';
import { composer, createGroup, expectConnected, newPerson, openChat, send } from './helpers';

test('[typing] the indicator appears while the other types, and goes on send or after 5 s of silence', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'ta');
  const bob = await newPerson(browser, 'tb');
  const title = `Typing ${Date.now()}`;
  await createGroup(alice.page, title, [bob.username]);
  await openChat(bob.page, title);
  await expectConnected(alice.page);
  await expectConnected(bob.page);
  const indicator = alice.page.getByTestId('typing-indicator');
  await expect(indicator).toHaveText('');

  await composer(bob.page).pressSequentially('hel');
  await expect(indicator).toHaveText(`${bob.username} is typing…`);
  await composer(bob.page).press('Enter');
  await expect(indicator).toHaveText('', { timeout: 2_000 });

  await composer(bob.page).pressSequentially('again');
  await expect(indicator).toHaveText(`${bob.username} is typing…`);
  // No more keys: hidden after the 5 s TTL.
  await expect(indicator).toHaveText('', { timeout: 8_000 });
  await expect(bob.page.getByTestId('typing-indicator')).toHaveText('');
  await alice.context.close();
  await bob.context.close();
});

test('[presence] the other user shows online, then offline when they close the page', async ({ browser }) => {
  const alice = await newPerson(browser, 'pa');
  const bob = await newPerson(browser, 'pb');
  await expectConnected(bob.page);
  await alice.page.getByRole('button', { name: 'Direct message' }).click();
  const dialog = alice.page.getByRole('dialog', { name: 'Direct message' });
  await dialog.getByLabel('Username').fill(bob.username);
  await dialog.getByRole('button', { name: 'Start chat' }).click();
  await expect(alice.page.getByRole('heading', { level: 1, name: bob.username })).toBeVisible();
  await send(alice.page, 'are you there?');

  const subtitle = alice.page.getByTestId('chat-subtitle');
  await expect(subtitle).toHaveText('online');
  await alice.page.getByRole('button', { name: 'Members' }).click();
  const bobRow = alice.page.locator(`[data-testid="member"][data-username="${bob.username}"]`);
  await expect(bobRow.getByTestId('presence')).toHaveText('online');

  await bob.page.close();
  // Offline now says when they were last seen (#19 People), unless they hide it.
  await expect(subtitle).toHaveText(/^last seen /, { timeout: 15_000 });
  await expect(bobRow.getByTestId('presence')).toHaveText('offline');
  await alice.context.close();
  await bob.context.close();
});
