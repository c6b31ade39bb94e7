import { useMutation, useQueryClient } from '@tanstack/react-query';
import { messagesApi } from '../../api/messages.api';
import { jumpToMessage } from '../../realtime/jump';

/**
 * Toggling a reaction: PUT to add, DELETE to remove; both idempotent on the server, so a double
 * click or a retry changes nothing. The live event (reaction.added/removed) updates the cache.
 */
export function useToggleReaction(chatId: string) {
  return useMutation({
    mutationFn: (v: { messageId: string; emoji: string; on: boolean }) =>
      messagesApi.react(chatId, v.messageId, v.emoji, v.on),
  });
}

/** Pin or unpin (the `pin` capability); the message.updated event updates the list and the pins. */
export function useSetPinned(chatId: string) {
  return useMutation({
    mutationFn: (v: { messageId: string; on: boolean }) => messagesApi.pin(chatId, v.messageId, v.on),
  });
}

/** The jump a reply quote or a pin makes, bound to this app's query cache. */
export function useJumpToMessage() {
  const qc = useQueryClient();
  return (chatId: string, seq: number) => jumpToMessage(qc, chatId, seq);
}
