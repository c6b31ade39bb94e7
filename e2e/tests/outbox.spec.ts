import { expect, test } from '@playwright/test';
import {
  createGroup,
  currentChatId,
  expectConnected,
  messageWithText,
  newPerson,
  openChat,
  postMessages,
  send,
  serverMessages,
} from './helpers';

const OUTBOX_KEY = 'chatsockets.outbox.v1';

test('[outbox] reload with a message whose ack was lost: resent with the same clientId, stored and shown once', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'ra');
  const bob = await newPerson(browser, 'rb');
  const title = `Outbox ${Date.now()}`;
  await createGroup(alice.page, title, [bob.username]);
  await openChat(bob.page, title);
  const chatId = currentChatId(alice.page);
  const body = `survives a reload ${Date.now()}`;

  // Let every frame through, except that the server's answer to the send (and its echo) never
  // reaches alice: the server stores the message but alice cannot know.
  let losing = true;
  const sentClientIds: string[] = [];
  await alice.page.routeWebSocket(/\/ws$/, (ws) => {
    const server = ws.connectToServer();
    const lostIds = new Set<unknown>();
    ws.onMessage((raw) => {
      const frame = JSON.parse(String(raw));
      if (frame.type === 'message.send') {
        sentClientIds.push(frame.clientId);
        if (losing) lostIds.add(frame.id);
      }
      server.send(raw);
    });
    server.onMessage((raw) => {
      const frame = JSON.parse(String(raw));
      if (frame.type === 'reply' && lostIds.has(frame.id)) return;
      if (frame.type === 'message.created' && frame.message.body === body && losing) return;
      ws.send(raw);
    });
  });
  await alice.page.reload();
  await expectConnected(alice.page);

  await send(alice.page, body);
  await expect(messageWithText(alice.page, body)).toHaveAttribute('data-status', 'sending');
  // Bob already has it: the server stored it once.
  await expect(messageWithText(bob.page, body)).toHaveCount(1);
  const stored = await alice.page.evaluate((key) => localStorage.getItem(key), OUTBOX_KEY);
  expect(stored).toContain(body);

  losing = false;
  await alice.page.reload();
  await expect(messageWithText(alice.page, body)).toHaveAttribute('data-status', 'sent');
  await expect(messageWithText(alice.page, body)).toHaveCount(1);
  await expect
    .poll(() => alice.page.evaluate((key) => localStorage.getItem(key), OUTBOX_KEY))
    .not.toContain(body);

  // The resend carried the first clientId, so the server created nothing new.
  expect(sentClientIds.length).toBeGreaterThanOrEqual(2);
  expect(new Set(sentClientIds).size).toBe(1);
  const onServer = (await serverMessages(bob.page, chatId)).filter((m) => m.body === body);
  expect(onServer).toHaveLength(1);
  // A later message reaches Bob after any copy of the first could have: then it is still one.
  await postMessages(alice.page, chatId, ['sentinel after the resend']);
  await expect(messageWithText(bob.page, 'sentinel after the resend')).toBeVisible();
  await expect(messageWithText(bob.page, body)).toHaveCount(1);
  await alice.context.close();
  await bob.context.close();
});
