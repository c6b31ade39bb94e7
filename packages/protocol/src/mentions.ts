/**
 * Mentions travel inside the body as tokens, so a message names people by id, never by name
 * (a rename later does not break them; docs/PROTOCOL.md › Mentions): `<@userId>` mentions that
 * member, `<@all>` every member. Clients show `@name` (the member's current name) in place of a
 * token. The server derives `Message.mentions` from the body with this same pattern, and keeps
 * the same rule in SQL (drizzle/0010 `message_mentions`) to count unread mentions.
 */
export const MENTION_TOKEN = /<@([A-Za-z0-9_-]{1,64})>/g;

/** The id in a token that mentions every member of the chat (only owners and admins may). */
export const MENTION_ALL = 'all';

/** The token that mentions `userId` (or `MENTION_ALL`). */
export const mentionToken = (userId: string) => `<@${userId}>`;

/**
 * The ids a body mentions, lower-cased (ids are case-insensitive), each once, in order of first
 * appearance; `"all"` when it mentions everyone.
 */
export function mentionsOf(body: string): string[] {
  const ids = new Set<string>();
  for (const m of body.matchAll(MENTION_TOKEN)) ids.add(m[1]!.toLowerCase());
  return [...ids];
}
