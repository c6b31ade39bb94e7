import { expect, test } from '@playwright/test';
import {
  createGroup,
  currentChatId,
  expectConnected,
  messageWithText,
  newPerson,
  openChat,
  renderedBodies,
  send,
  serverMessages,
} from './helpers';

test('[delivery] offline while 20 messages arrive: back online, all 20 appear once in order; the message typed offline is sent once', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'oa');
  const bob = await newPerson(browser, 'ob');
  // Tall enough that the virtualized list renders every message at once.
  for (const p of [alice.page, bob.page]) await p.setViewportSize({ width: 1000, height: 2400 });
  const title = `Offline ${Date.now()}`;
  await createGroup(alice.page, title, [bob.username]);
  await send(alice.page, 'before');
  await openChat(bob.page, title);
  await expectConnected(bob.page);
  await expect(messageWithText(bob.page, 'before')).toBeVisible();
  const chatId = currentChatId(bob.page);

  await bob.context.setOffline(true);
  await expect(bob.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'offline');
  await send(bob.page, 'typed while offline');
  await expect(messageWithText(bob.page, 'typed while offline')).toHaveAttribute('data-status', 'queued');
  await expect(bob.page.getByText('Waiting for connection…')).toBeVisible();

  const burst = Array.from({ length: 20 }, (_, i) => `burst ${String(i + 1).padStart(2, '0')}`);
  for (const text of burst) await send(alice.page, text);
  for (const text of burst)
    await expect(messageWithText(alice.page, text)).toHaveAttribute('data-status', 'sent');
  // Still offline: bob has seen none of them.
  expect(await renderedBodies(bob.page)).toEqual(['before', 'typed while offline']);

  await bob.context.setOffline(false);
  await expectConnected(bob.page);
  const expected = ['before', ...burst, 'typed while offline'];
  await expect.poll(() => renderedBodies(bob.page), { timeout: 15_000 }).toEqual(expected);
  await expect(messageWithText(bob.page, 'typed while offline')).toHaveAttribute('data-status', 'sent');
  await expect.poll(() => renderedBodies(alice.page)).toEqual(expected);

  // The server holds each exactly once, in the same order.
  const stored = await serverMessages(bob.page, chatId);
  expect(stored.map((m) => m.body)).toEqual(expected);
  expect(stored.map((m) => m.seq)).toEqual(expected.map((_, i) => i + 1));
  await alice.context.close();
  await bob.context.close();
});
