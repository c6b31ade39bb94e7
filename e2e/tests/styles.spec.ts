import { expect, type Locator, test } from '@playwright/test';
import {
  createGroup,
  expectConnected,
  messages,
  messageWithText,
  newPerson,
  openChat,
  send,
} from './helpers';

const STYLE_PROPS = [
  'display',
  'position',
  'color',
  'background-color',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'line-height',
  'white-space',
  'padding',
  'margin',
  'border',
  'border-radius',
  'max-width',
  'opacity',
  'text-decoration-line',
];

/** Tag, classes and attribute names of every node, with the text, plus computed styles per element. */
async function fingerprint(message: Locator) {
  return message.evaluate((root, props) => {
    const walk = (el: Element): unknown => ({
      tag: el.tagName,
      classes: [...el.classList].sort(),
      attrs: el
        .getAttributeNames()
        .filter((n) => n !== 'class')
        .sort()
        .map((n) => (n === 'datetime' || n === 'title' ? n : `${n}=${el.getAttribute(n)}`)),
      style: props.map((p) => `${p}:${getComputedStyle(el).getPropertyValue(p)}`),
      text: [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent),
      children: [...el.children].map(walk),
    });
    return walk(root);
  }, STYLE_PROPS);
}

test('[seed-bug styles] a message received live and the same message after a reload look identical', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'sa');
  const bob = await newPerson(browser, 'sb');
  const title = `Styles ${Date.now()}`;
  await createGroup(alice.page, title, [bob.username]);
  await send(alice.page, 'first, so the next one is grouped under a header');
  await expectConnected(bob.page);
  await openChat(bob.page, title);
  await expect(messageWithText(bob.page, 'first, so the next one is grouped under a header')).toBeVisible();

  // Formatted (Markdown, a mention of the reader, a link): the one renderer, live and from history.
  const text = [
    '**styled** the _same_ live and ~~not~~ after `reload` https://example.com/x',
    `> for @${bob.username}`,
    '- one',
    '- two',
    '```ts',
    'const same = true;',
    '```',
  ].join('\n');
  await send(alice.page, text);
  const formatted = (page: typeof bob.page) =>
    messages(page).filter({ has: page.locator('.message__body strong', { hasText: 'styled' }) });
  const live = formatted(bob.page);
  await expect(live.locator('.mention--me')).toHaveText(`@${bob.username}`);
  await expect(live).toHaveAttribute('data-status', 'sent');
  const liveFingerprint = await fingerprint(live);
  // Bob's read marker has reached it (Alice sees "Seen by"), so the reload shows no unread
  // divider above it: a divider starts a new group, with the author's name (#19 bug 5).
  const own = formatted(alice.page);
  await expect(own.getByTestId('seen-by')).toHaveText(`Seen by ${bob.username}`, { timeout: 15_000 });

  await bob.page.reload();
  const reloaded = formatted(bob.page);
  await expect(reloaded).toHaveAttribute('data-status', 'sent');
  // Same element tree, same attributes and text, same computed styles: one component, one source of truth.
  expect(await fingerprint(reloaded)).toEqual(liveFingerprint);

  // And the sender's own copy, which went pending → sent, matches its reloaded self too
  // (bob has read it, so "Seen by" is settled on both sides of the comparison).
  const ownLive = await fingerprint(own);
  await alice.page.reload();
  await expect(formatted(alice.page).getByTestId('seen-by')).toHaveText(`Seen by ${bob.username}`);
  const ownReloaded = await fingerprint(formatted(alice.page));
  expect(ownReloaded).toEqual(ownLive);

  await alice.context.close();
  await bob.context.close();
});
