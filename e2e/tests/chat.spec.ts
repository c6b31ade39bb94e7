import { expect, test } from '@playwright/test';
import {
  attachScreenshot,
  composer,
  createGroup,
  currentChatId,
  expectConnected,
  messages,
  messageWithText,
  newPerson,
  openChat,
  postMessages,
  renderedBodies,
  send,
} from './helpers';
import { t } from './i18n';

test('[chat] two users in two browsers create a chat and exchange messages; both see one order', async ({
  browser,
}, testInfo) => {
  const alice = await newPerson(browser, 'alice');
  const bob = await newPerson(browser, 'bob');
  await expectConnected(alice.page);
  await expectConnected(bob.page);

  const title = `Team ${Date.now()}`;
  await createGroup(alice.page, title, [bob.username]);
  await openChat(bob.page, title);

  const script: Array<[typeof alice, string]> = [
    [alice, 'hi bob'],
    [bob, 'hi alice'],
    [alice, 'how are you?'],
    [alice, 'all good here'],
    [bob, 'great, see https://example.com/docs'],
  ];
  for (const [who, text] of script) {
    await send(who.page, text);
    // Each message lands for both before the next is sent, so the order is the script's.
    await expect(messageWithText(alice.page, text)).toHaveAttribute('data-status', 'sent');
    await expect(messageWithText(bob.page, text)).toHaveAttribute('data-status', 'sent');
  }
  const expected = script.map(([, t]) => t);
  await expect.poll(() => renderedBodies(alice.page)).toEqual(expected);
  await expect.poll(() => renderedBodies(bob.page)).toEqual(expected);
  // seqs ascending, each once
  const seqs = await messages(bob.page).evaluateAll((els) =>
    els.map((e) => Number(e.getAttribute('data-seq'))),
  );
  expect(seqs).toEqual([1, 2, 3, 4, 5]);

  const link = bob.page.getByTestId('message-list').getByRole('link', { name: 'https://example.com/docs' });
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(link).toHaveAttribute('target', '_blank');

  // The other side's latest message shows who has seen it.
  await expect(alice.page.getByTestId('seen-by')).toContainText(
    t('messages:seenBy', { names: bob.username }),
    {
      timeout: 15_000,
    },
  );

  await attachScreenshot(alice.page, testInfo, 'chat view (alice)');
  await alice.page.getByRole('button', { name: t('chats:members') }).click();
  await expect(
    alice.page.getByRole('complementary', { name: t('chats:panel.title', { count: 2 }) }),
  ).toBeVisible();
  await attachScreenshot(alice.page, testInfo, 'members panel');
  await alice.context.close();
  await bob.context.close();
});

test('[drafts] a draft is kept per chat across switching chats and a reload (#19 bug 9)', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'da');
  const one = `Draft one ${Date.now()}`;
  const two = `Draft two ${Date.now()}`;
  await createGroup(alice.page, one, []);
  await createGroup(alice.page, two, []);
  const box = composer(alice.page);
  await box.fill('half a thought in two');
  await openChat(alice.page, one);
  await expect(box).toHaveValue('');
  await box.fill('half a thought in one');
  await alice.page.reload();
  await expect(alice.page.getByRole('heading', { level: 1, name: one })).toBeVisible();
  await expect(box).toHaveValue('half a thought in one');
  await openChat(alice.page, two);
  await expect(box).toHaveValue('half a thought in two');
  // Sent: the draft is gone, for good.
  await box.press('Enter');
  await expect(messageWithText(alice.page, 'half a thought in two')).toBeVisible();
  await alice.page.reload();
  await expect(alice.page.getByRole('heading', { level: 1, name: two })).toBeVisible();
  await expect(box).toHaveValue('');
  await alice.context.close();
});

test('[scroll] two windows: a message sent in one does not scroll the other away from the history it shows', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'sw');
  const title = `Two windows ${Date.now()}`;
  await createGroup(alice.page, title, []);
  const bodies = Array.from({ length: 40 }, (_, i) => `history ${i + 1}`);
  await postMessages(alice.page, currentChatId(alice.page), bodies);
  await expect(messageWithText(alice.page, 'history 40')).toBeVisible();
  const reading = await alice.context.newPage();
  await reading.goto('/');
  await openChat(reading, title);
  await expect(messageWithText(reading, 'history 40')).toBeVisible();
  await reading.locator('.messages__scroller').evaluate((el) => el.scrollTo(0, 0));
  await expect(messageWithText(reading, 'history 1')).toBeVisible();

  await send(alice.page, 'sent from the other window');
  await expect(messageWithText(alice.page, 'sent from the other window')).toHaveAttribute(
    'data-status',
    'sent',
  );
  // The reading window counts it below instead of jumping there.
  await expect(reading.getByRole('button', { name: t('messages:newBelow', { count: 1 }) })).toBeVisible();
  await expect(messageWithText(reading, 'history 1')).toBeVisible();
  await alice.context.close();
});

test('[drafts] two tabs: a draft typed in one is not lost when the other writes its own, and one sent is not brought back', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'dt');
  const one = `Tabs one ${Date.now()}`;
  const two = `Tabs two ${Date.now()}`;
  await createGroup(alice.page, one, []);
  await createGroup(alice.page, two, []);
  // Both tabs are open before either types.
  const tab1 = alice.page;
  const tab2 = await alice.context.newPage();
  await tab2.goto('/');
  await openChat(tab2, two);
  await openChat(tab1, one);

  await composer(tab1).fill('typed in tab 1');
  await composer(tab2).fill('typed in tab 2');
  await tab1.reload();
  await expect(tab1.getByRole('heading', { level: 1, name: one })).toBeVisible();
  await expect(composer(tab1)).toHaveValue('typed in tab 1');

  // Sent from tab 1; then tab 2 types on in its own chat: the sent text stays gone.
  await composer(tab1).press('Enter');
  await expect(messageWithText(tab1, 'typed in tab 1')).toBeVisible();
  await composer(tab2).fill('typed in tab 2, more');
  await tab1.reload();
  await expect(tab1.getByRole('heading', { level: 1, name: one })).toBeVisible();
  await expect(messageWithText(tab1, 'typed in tab 1')).toBeVisible();
  await expect(composer(tab1)).toHaveValue('');
  await openChat(tab1, two);
  await expect(composer(tab1)).toHaveValue('typed in tab 2, more');
  await alice.context.close();
});
