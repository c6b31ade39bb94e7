import type { Nodes } from 'mdast';
import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { mentionLabel, parseMessage, safeHref, sourceOf, splitMentions } from './markdown';

/** Who a mention names: the chat's members by id, and the reader (whose mentions stand out). */
export interface MentionDirectory {
  nameOf(id: string): string | undefined;
  selfId?: string;
}
const MentionContext = createContext<MentionDirectory>({ nameOf: () => undefined });
/** Gives the `MessageText`s below it the names of a chat's members. */
export const MentionDirectoryProvider = MentionContext.Provider;

interface Ctx {
  body: string;
  mentions: MentionDirectory;
  unknown: string;
}

function Mention({ id, ctx }: { id: string; ctx: Ctx }) {
  const me = id === 'all' || (ctx.mentions.selfId !== undefined && id === ctx.mentions.selfId);
  return (
    <span className={me ? 'mention mention--me' : 'mention'} data-mention={id}>
      {mentionLabel(id, ctx.mentions.nameOf, ctx.unknown)}
    </span>
  );
}

function text(value: string, ctx: Ctx, key: string): ReactNode {
  const parts = splitMentions(value);
  if (parts.length === 1 && parts[0]!.kind === 'text') return value;
  return parts.map((p, i) =>
    // biome-ignore lint/suspicious/noArrayIndexKey: a body's parts are positional and never reorder
    p.kind === 'text' ? p.text : <Mention key={`${key}.${i}`} id={p.id} ctx={ctx} />,
  );
}

function children(node: { children: Nodes[] }, ctx: Ctx, key: string, tight = false): ReactNode[] {
  return node.children.map((child, i) => render(child, ctx, `${key}.${i}`, tight));
}

/**
 * mdast → React, one case per node of the chat subset (markdown.ts). Each value becomes React
 * text, which React escapes; nothing is ever parsed as HTML, so no body can inject markup.
 */
function render(node: Nodes, ctx: Ctx, key: string, tight = false): ReactNode {
  switch (node.type) {
    case 'root':
      return children(node, ctx, key);
    case 'paragraph':
      // A tight list's items hold their text without paragraph margins, as in every renderer.
      return tight ? children(node, ctx, key) : <p key={key}>{children(node, ctx, key)}</p>;
    case 'text':
      return text(node.value, ctx, key);
    case 'strong':
      return <strong key={key}>{children(node, ctx, key)}</strong>;
    case 'emphasis':
      return <em key={key}>{children(node, ctx, key)}</em>;
    case 'delete':
      return <del key={key}>{children(node, ctx, key)}</del>;
    case 'inlineCode':
      return <code key={key}>{node.value}</code>;
    case 'break':
      return <br key={key} />;
    case 'code':
      return (
        <div key={key} className="md-code">
          {node.lang && <span className="md-code__lang">{node.lang}</span>}
          <pre>
            <code>{node.value}</code>
          </pre>
        </div>
      );
    case 'blockquote':
      return <blockquote key={key}>{children(node, ctx, key)}</blockquote>;
    case 'list': {
      const items = node.children.map((item, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a body's parts are positional and never reorder
        <li key={`${key}.${i}`}>{children(item, ctx, `${key}.${i}`, !node.spread && !item.spread)}</li>
      ));
      return node.ordered ? (
        <ol key={key} start={node.start ?? undefined}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      );
    }
    case 'link': {
      const href = safeHref(node.url);
      if (!href) return <span key={key}>{children(node, ctx, key)}</span>;
      return (
        <a key={key} href={href} target="_blank" rel="noopener noreferrer">
          {children(node, ctx, key)}
        </a>
      );
    }
    default:
      // Switched off in the parser; if one ever arrives, it shows as typed.
      return sourceOf(node, ctx.body);
  }
}

/**
 * The ONE renderer of a message body (a safe Markdown subset and mentions) for every place that
 * shows one: the message list (live, history, pending), and quotes, search results and previews.
 * Mentions show the member's current name from the nearest `MentionDirectoryProvider`.
 */
export function MessageText({ body, className }: { body: string; className?: string }) {
  const { t } = useTranslation('compose');
  const mentions = useContext(MentionContext);
  const unknown = t('mention.unknown');
  const tree = useMemo(() => parseMessage(body), [body]);
  return (
    // dir="auto": the message's own direction, isolated from the page's (an override in it ends here).
    <div className={className ? `md ${className}` : 'md'} dir="auto">
      {render(tree, { body, mentions, unknown }, 'md')}
    </div>
  );
}

/**
 * Who mentions name in one-line previews (quotes, the pinned bar), from the nearest
 * `MentionDirectoryProvider`, as `MessageText` shows them; for `plainText` / `previewText`.
 */
export function useMentionNames(): { nameOf: (id: string) => string | undefined; unknown: string } {
  const { t } = useTranslation('compose');
  const { nameOf } = useContext(MentionContext);
  return { nameOf, unknown: t('mention.unknown') };
}
