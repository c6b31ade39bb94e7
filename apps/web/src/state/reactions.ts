import type { Message, Reaction, ReactionEvent } from '@chatsockets/protocol';
import type { QueryClient } from '@tanstack/react-query';
import { getChatMessages, mergeIntoChat } from './messages';

/**
 * A reaction delta applied to a message: the message at the event's rev. Pure, and a no-op for
 * a copy already at or past that rev (the changes feed brought it whole).
 */
export function applyReactionDelta(message: Message, event: ReactionEvent): Message {
  if (event.rev <= message.rev) return message;
  const reactions: Reaction[] = message.reactions.map((r) =>
    r.emoji === event.emoji ? { ...r, users: r.users.filter((u) => u.id !== event.user.id) } : r,
  );
  if (event.type === 'reaction.added') {
    const entry = reactions.find((r) => r.emoji === event.emoji);
    if (entry) entry.users = [...entry.users, event.user];
    else reactions.push({ emoji: event.emoji, count: 1, users: [event.user] });
  }
  return {
    ...message,
    rev: event.rev,
    reactions: reactions.filter((r) => r.users.length > 0).map((r) => ({ ...r, count: r.users.length })),
  };
}

/** Into the chat's loaded messages; a message not loaded is skipped (its page brings it whole). */
export function applyReactionEvent(qc: QueryClient, event: ReactionEvent): void {
  const held = getChatMessages(qc, event.chatId)?.messages.find((m) => m.id === event.messageId);
  if (held) mergeIntoChat(qc, event.chatId, [applyReactionDelta(held, event)]);
}

/** Whether `userId` reacted to `message` with `emoji`. */
export const hasReacted = (message: Message, emoji: string, userId: string) =>
  message.reactions.some((r) => r.emoji === emoji && r.users.some((u) => u.id === userId));
