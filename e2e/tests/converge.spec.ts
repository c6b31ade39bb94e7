import { expect, type Page, test } from '@playwright/test';
import { test as gated } from './fixtures';
import {
  chatLink,
  composer,
  createGroup,
  currentChatId,
  expectConnected,
  messageWithText,
  newPerson,
  openChat,
  send,
} from './helpers';

/** Marks the document, so a reload (which would lose the mark) is caught. */
async function markDocument(page: Page) {
  await page.evaluate(() => {
    (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
  });
}

/** An API call from the page, with its session. */
async function call(page: Page, method: string, path: string, body?: unknown) {
  const status = await page.evaluate(
    async ({ method, path, body }) => {
      const res = await fetch(path, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return res.status;
    },
    { method, path, body },
  );
  expect(status, `${method} ${path}`).toBeLessThan(300);
}

test('[converge] offline while messages are edited and deleted (and replied to), a member removed and a role changed: back online, all of it shows without a reload', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'ca');
  const bob = await newPerson(browser, 'cb');
  const carol = await newPerson(browser, 'cc');
  const dave = await newPerson(browser, 'cd');
  const title = `Converge ${Date.now()}`;
  await createGroup(alice.page, title, [bob.username, carol.username, dave.username]);
  await send(alice.page, 'to be edited');
  await send(alice.page, 'to be deleted');
  await send(alice.page, 'stays');
  await expect(messageWithText(alice.page, 'stays')).toHaveAttribute('data-status', 'sent');
  const chatId = currentChatId(alice.page);
  const ids = await alice.page.evaluate(async (id) => {
    const res = await fetch(`/api/chats/${id}/messages`);
    const json = (await res.json()) as { messages: Array<{ id: string; body: string }> };
    return Object.fromEntries(json.messages.map((m) => [m.body, m.id]));
  }, chatId);
  // Replies to both: their quotes follow the originals, though the replies themselves never change.
  for (const [body, original] of [
    ['answers the edited', 'to be edited'],
    ['answers the deleted', 'to be deleted'],
  ] as const) {
    await call(alice.page, 'POST', `/api/chats/${chatId}/messages`, {
      clientId: `reply-${original.replaceAll(' ', '-')}`,
      body,
      replyToId: ids[original],
    });
  }
  const quoteIn = (text: string) => messageWithText(bob.page, text).getByTestId('reply-quote');

  await openChat(bob.page, title);
  await expectConnected(bob.page);
  await expect(messageWithText(bob.page, 'stays')).toBeVisible();
  await bob.page.getByRole('button', { name: 'Members', exact: true }).click();
  const panel = bob.page.getByRole('complementary', { name: /Members/ });
  const row = (name: string) => panel.locator(`[data-testid="member"][data-username="${name}"]`);
  await expect(row(carol.username)).toBeVisible();
  await expect(row(dave.username)).toHaveAttribute('data-role', 'member');
  await expect(quoteIn('answers the edited')).toContainText('to be edited');
  await expect(quoteIn('answers the deleted')).toContainText('to be deleted');
  await markDocument(bob.page);

  await bob.context.setOffline(true);
  await expect(bob.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'offline');

  await call(alice.page, 'PATCH', `/api/chats/${chatId}/messages/${ids['to be edited']}`, {
    body: 'edited while you were away',
  });
  await call(alice.page, 'DELETE', `/api/chats/${chatId}/messages/${ids['to be deleted']}`);
  const members = await alice.page.evaluate(async (id) => {
    const res = await fetch(`/api/chats/${id}`);
    const json = (await res.json()) as { members: Array<{ user: { id: string; username: string } }> };
    return Object.fromEntries(json.members.map((m) => [m.user.username, m.user.id]));
  }, chatId);
  await call(alice.page, 'DELETE', `/api/chats/${chatId}/members/${members[carol.username]}`);
  await call(alice.page, 'PATCH', `/api/chats/${chatId}/members/${members[dave.username]}`, {
    role: 'admin',
  });

  // Still offline: bob sees none of it.
  await expect(messageWithText(bob.page, 'to be edited')).toBeVisible();
  await expect(row(carol.username)).toBeVisible();

  await bob.context.setOffline(false);
  await expectConnected(bob.page);
  await expect(messageWithText(bob.page, 'edited while you were away')).toBeVisible();
  await expect(messageWithText(bob.page, 'to be edited')).toHaveCount(0);
  await expect(messageWithText(bob.page, 'to be deleted')).toHaveCount(0);
  await expect(messageWithText(bob.page, 'This message was deleted')).toHaveCount(1);
  await expect(messageWithText(bob.page, 'stays')).toBeVisible();
  await expect(quoteIn('answers the edited')).toContainText('edited while you were away');
  await expect(quoteIn('answers the deleted')).toContainText('Deleted message');
  await expect(row(carol.username)).toHaveCount(0);
  await expect(row(dave.username)).toHaveAttribute('data-role', 'admin');
  expect(
    await bob.page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
  ).toBe(true);
  // Escape closes the members panel (#19 bug 8).
  await bob.page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  for (const p of [alice, bob, carol, dave]) await p.context.close();
});

/**
 * The open chat deleted, or the reader removed from it, while the reader was away: the browser
 * offline (the query cache refetches the list and the chat on reconnect), or the server
 * restarting with the browser online (only the refused re-subscribe tells). Either way the
 * screen says so, and neither the chat nor a composer for it stays.
 */
for (const away of ['offline', 'server restart'] as const) {
  for (const what of ['deleted', 'removed'] as const) {
    gated(
      `[converge] ${away}: the open chat ${what === 'deleted' ? 'deleted' : 'removed the reader'} meanwhile; back, it says so and nothing of it is left to write in`,
      async ({ browser, person: bob }) => {
        const alice = await newPerson(browser, 'ga');
        const title = `Gone away ${Date.now()}`;
        await createGroup(alice.page, title, [bob.username]);
        await send(alice.page, 'before');
        const chatId = currentChatId(alice.page);
        await openChat(bob.page, title);
        await expectConnected(bob.page);
        await expect(messageWithText(bob.page, 'before')).toBeVisible();
        const bobId = await bob.page.evaluate(
          async () => ((await (await fetch('/api/me')).json()) as { user: { id: string } }).user.id,
        );

        if (away === 'offline') {
          await bob.context.setOffline(true);
          await expect(bob.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'offline');
        } else {
          await bob.gate.takeDown();
          await expect(bob.page.getByTestId('connection-status')).toHaveAttribute(
            'data-state',
            'reconnecting',
          );
        }
        if (what === 'deleted') await call(alice.page, 'DELETE', `/api/chats/${chatId}`);
        else {
          await call(alice.page, 'DELETE', `/api/chats/${chatId}/members/${bobId}`);
          await send(alice.page, 'after');
          await expect(messageWithText(alice.page, 'after')).toHaveAttribute('data-status', 'sent');
        }
        if (away === 'offline') await bob.context.setOffline(false);
        else bob.gate.bringUp();
        await expectConnected(bob.page);

        await expect(chatLink(bob.page, title)).toHaveCount(0);
        await expect(
          bob.page.getByTestId(what === 'deleted' ? 'chat-deleted' : 'no-longer-member'),
        ).toBeVisible();
        await expect(composer(bob.page)).toHaveCount(0);
        await expect(messageWithText(bob.page, 'after')).toHaveCount(0);
        await alice.context.close();
      },
    );
  }
}

gated(
  '[converge] server restart: a read made meanwhile shows as "Seen by" on return, without a reload',
  async ({ browser, person: alice }) => {
    const bob = await newPerson(browser, 'sr');
    const title = `Seen away ${Date.now()}`;
    await createGroup(alice.page, title, [bob.username]);
    await expectConnected(alice.page);
    await send(alice.page, 'read this while I am away');
    const seenBy = alice.page.getByTestId('seen-by');
    await expect(seenBy).toHaveText('Sent');
    await markDocument(alice.page);

    await alice.gate.takeDown();
    await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'reconnecting');
    await openChat(bob.page, title);
    await expect(messageWithText(bob.page, 'read this while I am away')).toBeInViewport();
    // Bob's read reached the server: his own list says the chat is read. The badge goes at once
    // (it is the client's own); the server's list follows when the read frame is handled.
    await expect(chatLink(bob.page, title).getByTestId('unread-badge')).toHaveCount(0);
    await expect
      .poll(async () => {
        const chats = await bob.page.evaluate(async () => {
          const res = await fetch('/api/chats');
          const json = (await res.json()) as { chats: Array<{ title: string; unreadCount: number }> };
          return json.chats;
        });
        return chats.find((c) => c.title === title)?.unreadCount;
      })
      .toBe(0);
    alice.gate.bringUp();
    await expectConnected(alice.page);

    await expect(seenBy).toHaveText(`Seen by ${bob.username}`);
    expect(
      await alice.page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
    ).toBe(true);
    await bob.context.close();
  },
);
