import { expect, test } from '@playwright/test';
import { createGroup, messageWithText, newPerson, openChat, send } from './helpers';

test('[xss] a body with HTML shows as text, runs nothing, and links stay safe', async ({ browser }) => {
  const alice = await newPerson(browser, 'xa');
  const bob = await newPerson(browser, 'xb');
  const dialogs: string[] = [];
  for (const p of [alice.page, bob.page]) {
    p.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  }
  const title = `XSS ${Date.now()}`;
  await createGroup(alice.page, title, [bob.username]);
  await openChat(bob.page, title);

  const payloads = [
    '<img src=x onerror=alert(1)>',
    '<script>alert(2)</script>',
    'javascript:alert(3)',
    'https://example.com/"><img src=y onerror=alert(4)>',
  ];
  for (const body of payloads) await send(alice.page, body);

  for (const page of [alice.page, bob.page]) {
    const list = page.getByTestId('message-list');
    for (const body of payloads)
      await expect(messageWithText(page, body)).toHaveAttribute('data-status', 'sent');
    await expect(list.locator('img, script, iframe')).toHaveCount(0);
    // Only the http(s) URL became a link, and it carries no injected markup.
    const links = list.getByRole('link');
    await expect(links).toHaveCount(1);
    await expect(links).toHaveAttribute('href', 'https://example.com/');
    await expect(links).toHaveAttribute('rel', 'noopener noreferrer');
  }
  // After a reload (history instead of live) it is still only text.
  await bob.page.reload();
  await expect(messageWithText(bob.page, payloads[0]!)).toBeVisible();
  await expect(bob.page.getByTestId('message-list').locator('img')).toHaveCount(0);
  // A message rendered after the payloads: whatever they could have run has run by then.
  await send(alice.page, 'sentinel');
  await expect(messageWithText(bob.page, 'sentinel')).toBeVisible();
  expect(dialogs).toEqual([]);
  await alice.context.close();
  await bob.context.close();
});
