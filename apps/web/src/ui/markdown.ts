import { MENTION_ALL, MENTION_TOKEN } from '@chatsockets/protocol';
import type { Nodes, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmAutolinkLiteralFromMarkdown } from 'mdast-util-gfm-autolink-literal';
import { gfmStrikethroughFromMarkdown } from 'mdast-util-gfm-strikethrough';
import { gfmAutolinkLiteral } from 'micromark-extension-gfm-autolink-literal';
import { gfmStrikethrough } from 'micromark-extension-gfm-strikethrough';

/**
 * The Markdown a message may use, parsed by micromark (CommonMark) with GFM's literal autolinks
 * (`www.`, `http(s)://`, `mailto:`, emails) and `~~strikethrough~~`. Everything outside the chat
 * subset is switched off in the parser itself, so it stays the text that was typed: raw HTML,
 * images (`![a](u)` is a "!" and a link), headings, rules, indented code, link definitions and
 * character references. No HTML is ever produced from a body: `MessageText` renders this tree as
 * React elements.
 */
const OFF = [
  'htmlFlow',
  'htmlText',
  'labelStartImage',
  'headingAtx',
  'setextUnderline',
  'thematicBreak',
  'codeIndented',
  'definition',
  'characterReference',
];

export function parseMessage(body: string): Root {
  const tree = fromMarkdown(body, {
    extensions: [gfmAutolinkLiteral(), gfmStrikethrough({ singleTilde: false }), { disable: { null: OFF } }],
    mdastExtensions: [gfmAutolinkLiteralFromMarkdown(), gfmStrikethroughFromMarkdown()],
  });
  endLiteralLinksAtQuotes(tree, body);
  return tree;
}

// GFM ends a bare URL only at a space or "<": `https://x.io/">` would link `">` too. People
// expect a quote or bracket to end it (`"https://x.io"` in a sentence), as it did before.
const URL_END = /["'<>`]/;

/** A bare (literal) link whose text contains a quote is cut there; the rest is text. */
function endLiteralLinksAtQuotes(node: Nodes, body: string): void {
  if (!('children' in node)) return;
  const kids = node.children as Nodes[];
  for (let i = 0; i < kids.length; i++) {
    const link = kids[i]!;
    if (link.type !== 'link') {
      endLiteralLinksAtQuotes(link, body);
      continue;
    }
    const [label] = link.children;
    if (link.children.length !== 1 || label?.type !== 'text' || sourceOf(link, body) !== label.value)
      continue;
    const cut = label.value.search(URL_END);
    if (cut < 0) continue;
    const head = label.value.slice(0, cut);
    const tail: Nodes = { type: 'text', value: label.value.slice(cut) };
    const url = link.url.slice(0, link.url.length - (label.value.length - cut));
    if (head && safeHref(url)) {
      kids.splice(i, 1, { ...link, url, children: [{ type: 'text', value: head }] }, tail);
      i++;
    } else kids.splice(i, 1, { type: 'text', value: label.value });
  }
}

const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** Only absolute http(s) and mailto URLs become links; `javascript:`, `data:`, relative paths stay text. */
export function safeHref(url: string): string | null {
  try {
    const parsed = new URL(url);
    return LINK_PROTOCOLS.has(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}

export type TextPart = { kind: 'text'; text: string } | { kind: 'mention'; id: string };

/** A text node's mention tokens (`<@id>`, docs/PROTOCOL.md › Mentions) and the text around them. */
export function splitMentions(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(MENTION_TOKEN)) {
    if (m.index > last) parts.push({ kind: 'text', text: text.slice(last, m.index) });
    parts.push({ kind: 'mention', id: m[1]!.toLowerCase() });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}

/** `@name` for a mention: `@all`, the member's current name, or the fallback for someone unknown. */
export function mentionLabel(id: string, nameOf: (id: string) => string | undefined, unknown: string) {
  return `@${id === MENTION_ALL ? MENTION_ALL : (nameOf(id) ?? unknown)}`;
}

/** The source text of a node the renderer does not know (none should reach it: see OFF). */
export const sourceOf = (node: Nodes, body: string) =>
  body.slice(node.position?.start.offset ?? 0, node.position?.end.offset ?? 0);

const BLOCKS = new Set(['paragraph', 'blockquote', 'list', 'listItem', 'code']);

/**
 * A body as one line of plain text, for the chat list's preview and notifications: the words
 * without the Markdown marks, mentions as `@name`, blocks separated by spaces.
 */
export function plainText(
  body: string,
  nameOf: (id: string) => string | undefined = () => undefined,
  unknown = '…',
): string {
  const out: string[] = [];
  const walk = (node: Nodes): void => {
    switch (node.type) {
      case 'text':
        for (const part of splitMentions(node.value))
          out.push(part.kind === 'text' ? part.text : mentionLabel(part.id, nameOf, unknown));
        return;
      case 'inlineCode':
      case 'code':
        out.push(node.value);
        break;
      case 'break':
        out.push(' ');
        return;
      default:
        if ('children' in node) for (const child of node.children) walk(child as Nodes);
        else out.push(sourceOf(node, body));
    }
    if (BLOCKS.has(node.type)) out.push(' ');
  };
  walk(parseMessage(body));
  return out.join('').replace(/\s+/g, ' ').trim();
}
