import type { Chat, Message, User } from '@chatsockets/protocol';

/** The user's notification switches, and what the browser says now. */
export interface NotifySettings {
  /** The user turned browser notifications on and the permission is granted. */
  enabled: boolean;
  /** This tab is hidden (`document.visibilityState === 'hidden'`). */
  hidden: boolean;
}

/**
 * Facts other features know about a message (mentions and replies arrive with their own
 * fields); optional, so the decision stands without them.
 */
export interface NotifyFacts {
  mentionsMe?: boolean;
  repliesToMe?: boolean;
}

/** What a message's own fields say about you: it mentions you (or everyone), or answers you. */
export function notifyFactsOf(
  message: Pick<Message, 'mentions' | 'replyTo'>,
  me: Pick<User, 'id'>,
): NotifyFacts {
  return {
    mentionsMe: message.mentions.includes(me.id) || message.mentions.includes('all'),
    repliesToMe: message.replyTo?.author.id === me.id && !message.replyTo.deleted,
  };
}

export type NotifyReason = 'direct' | 'mention' | 'reply';

/**
 * Whether a new message should raise a browser notification, and why (the notification's
 * wording). Pure: the browser glue (`realtime/notifier.ts`) asks it and shows or not.
 * Never for your own message, a deleted one, a chat you are not in or muted, or while you are
 * looking at the app; then for direct messages, mentions of you and replies to you.
 */
export function shouldNotify(
  message: Pick<Message, 'author' | 'deletedAt' | 'editedAt'>,
  me: Pick<User, 'id'>,
  chat: Pick<Chat, 'kind' | 'muted' | 'role'> | undefined,
  settings: NotifySettings,
  facts: NotifyFacts = {},
): NotifyReason | null {
  if (!settings.enabled || !settings.hidden) return null;
  if (message.author.id === me.id || message.deletedAt !== null || message.editedAt !== null) return null;
  if (!chat || chat.role === null || chat.muted) return null;
  if (chat.kind === 'direct') return 'direct';
  if (facts.mentionsMe) return 'mention';
  if (facts.repliesToMe) return 'reply';
  return null;
}

/** The tab's favicon badge: unread in chats that are not muted; muted ones only make it grey. */
export function faviconBadge(chats: ReadonlyArray<Pick<Chat, 'unreadCount' | 'muted'>>): {
  count: number;
  grey: boolean;
} {
  let loud = 0;
  let quiet = 0;
  for (const c of chats) {
    if (c.muted) quiet += c.unreadCount;
    else loud += c.unreadCount;
  }
  return loud > 0 ? { count: loud, grey: false } : { count: quiet, grey: quiet > 0 };
}
