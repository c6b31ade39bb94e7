import { MENTION_ALL, MENTION_TOKEN, type Member, mentionToken } from '@chatsockets/protocol';

// What people type and read is `@name`; what a body stores is `<@id>` (docs/PROTOCOL.md ›
// Mentions). These convert between the two at the composer's edges.

type Named = Pick<Member['user'], 'id' | 'username'> & { displayName?: string };

/** Code spans and fences stay as typed: an `@name` in code is not a mention. */
const CODE = /```[\s\S]*?(?:```|$)|`[^`\n]*`/g;
/**
 * A link's `@` is part of its address (medium.com/@bob, youtube.com/@channel): turned into a
 * member's token, it cut the URL in two. Links as the renderer finds them: `http(s)://` or `www.`
 * up to a space or angle bracket.
 */
const LINK = /(?:https?:\/\/|www\.)[^\s<>]*/i;
const CODE_OR_LINK = new RegExp(`${CODE.source}|${LINK.source}`, 'gi');

function outsideCode(text: string, fn: (chunk: string) => string, keep: RegExp = CODE): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(keep)) {
    out += fn(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + fn(text.slice(last));
}

/** A body to edit: each token as `@name` (a token of someone unknown stays as it is). */
export function toDraft(body: string, users: readonly Named[]): string {
  const names = new Map(users.map((u) => [u.id, u.username]));
  return outsideCode(body, (chunk) =>
    chunk.replace(MENTION_TOKEN, (token, id: string) => {
      const lower = id.toLowerCase();
      if (lower === MENTION_ALL) return `@${MENTION_ALL}`;
      const name = names.get(lower);
      return name ? `@${name}` : token;
    }),
  );
}

// An "@" that starts a word (not an email's), then a name's characters.
const AT_NAME = /(^|[^\w@<`])@([A-Za-z0-9_.-]+)/g;

/**
 * Text typed in the composer → the body to send: `@name` of a member becomes their token (the
 * longest member name that starts the word, so "@bob." is bob and a full stop); `@all` only for
 * whoever may mention everyone. Anything else stays as typed.
 */
export function toBody(draft: string, users: readonly Named[], canMentionAll: boolean): string {
  const byName = new Map(users.map((u) => [u.username.toLowerCase(), u.id]));
  return outsideCode(
    draft,
    (chunk) =>
      chunk.replace(AT_NAME, (whole, before: string, word: string) => {
        for (let len = word.length; len > 0; len--) {
          const name = word.slice(0, len).toLowerCase();
          const id = name === MENTION_ALL ? (canMentionAll ? MENTION_ALL : undefined) : byName.get(name);
          if (id) return `${before}${mentionToken(id)}${word.slice(len)}`;
        }
        return whole;
      }),
    CODE_OR_LINK,
  );
}

/** The `@query` being typed right before the caret, with where it starts; null when none. */
export function mentionQueryAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  // Typing a link's `@` (medium.com/@…) is not asking for a member.
  if (new RegExp(`${LINK.source}$`, 'i').test(before)) return null;
  // Any letters, not only Latin: people look each other up by display name ("@Ив" for Иван),
  // and an `@` right after a letter of any script is inside a word (an address), not a mention.
  const m = /(^|[^\p{L}\p{N}_@<`])@([\p{L}\p{N}_.-]*)$/u.exec(before);
  if (!m) return null;
  return { start: caret - m[2]!.length - 1, query: m[2]! };
}

export interface Suggestion {
  /** A user id, or `all`. */
  id: string;
  /** The username, which the pick writes as `@name`. */
  name: string;
  /** Shown beside it, and matched too. */
  displayName?: string;
}

/** Members whose name starts with the query (others after, by name), then @all when allowed. */
export function suggest(
  users: readonly Named[],
  query: string,
  opts: { selfId: string; canMentionAll: boolean; max?: number },
): Suggestion[] {
  const q = query.toLowerCase();
  // By username or display name (the name people see in the chat, in any script).
  const names = (u: Named) => [u.username, u.displayName ?? ''].map((n) => n.toLowerCase());
  const starts = (u: Named) => names(u).some((n) => n.startsWith(q) || n.includes(` ${q}`));
  const found: Suggestion[] = users
    .filter((u) => u.id !== opts.selfId && names(u).some((n) => n.includes(q)))
    .sort((a, b) => Number(!starts(a)) - Number(!starts(b)) || a.username.localeCompare(b.username))
    .map((u) => ({ id: u.id, name: u.username, ...(u.displayName ? { displayName: u.displayName } : {}) }));
  if (opts.canMentionAll && MENTION_ALL.startsWith(q)) found.push({ id: MENTION_ALL, name: MENTION_ALL });
  return found.slice(0, opts.max ?? 8);
}
