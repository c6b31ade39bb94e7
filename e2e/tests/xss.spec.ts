import { expect, test } from '@playwright/test';
import { createGroup, messages, messageWithText, newPerson, openChat, send } from './helpers';

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

test('[xss] Markdown: javascript: links, images, HTML in code blocks and nested quotes stay inert', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'xm');
  const bob = await newPerson(browser, 'xn');
  const dialogs: string[] = [];
  for (const p of [alice.page, bob.page]) {
    p.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  }
  const title = `XSS md ${Date.now()}`;
  await createGroup(alice.page, title, [bob.username]);
  await openChat(bob.page, title);

  const payloads = [
    '[click me](javascript:alert(1)) and <javascript:alert(2)>',
    '![pic](javascript:alert(3)) ![img](https://example.com/x.png) [data](data:text/html,<script>alert(4)</script>)',
    '```html\n<script>alert(5)</script><img src=x onerror=alert(6)>\n```',
    '> outer\n> > inner <img src=x onerror=alert(7)>\n> > > [deep](javascript:alert(8))',
    '<a href="javascript:alert(9)">raw</a> <iframe src="javascript:alert(10)"></iframe>',
  ];
  for (const body of payloads) await send(alice.page, body);

  const check = async (page: typeof bob.page) => {
    const list = page.getByTestId('message-list');
    await expect(messages(page).filter({ hasText: 'raw' })).toHaveAttribute('data-status', 'sent');
    await expect(list.locator('img, script, iframe, object, embed')).toHaveCount(0);
    // The one link: the image's address, shown as a link, never as an image.
    const links = list.locator('.message__body a');
    await expect(links).toHaveCount(1);
    await expect(links).toHaveAttribute('href', 'https://example.com/x.png');
    // HTML in a code block is its text, monospace, with the language as a label.
    const code = list.locator('.md-code');
    await expect(code.locator('.md-code__lang')).toHaveText('html');
    await expect(code.locator('pre code')).toHaveText(
      '<script>alert(5)</script><img src=x onerror=alert(6)>',
    );
    // Nested quotes nest, and what they hold is text.
    await expect(list.locator('blockquote blockquote blockquote')).toHaveText('deep');
    await expect(list.getByText('inner <img src=x onerror=alert(7)>')).toBeVisible();
    await expect(list.getByText('<a href="javascript:alert(9)">raw</a>', { exact: false })).toBeVisible();
  };
  await check(alice.page);
  await check(bob.page);
  // Loaded history renders the same way.
  await bob.page.reload();
  await check(bob.page);
  await send(alice.page, 'sentinel');
  await expect(messageWithText(bob.page, 'sentinel')).toBeVisible();
  expect(dialogs).toEqual([]);
  await alice.context.close();
  await bob.context.close();
});
