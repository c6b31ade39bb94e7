import { useCallback } from 'react';
import { useOutbox } from '../../stores/outbox.store';
import { newClientId } from './client-id';

/**
 * Sending = putting the message in the persisted outbox with a fresh clientId; the realtime
 * OutboxSender delivers it (now, or when the connection returns, or after a reload).
 */
export function useSendMessage(chatId: string, authorId: string): (body: string, replyToId?: string) => void {
  return useCallback(
    (body: string, replyToId?: string) =>
      useOutbox.getState().add({
        clientId: newClientId(),
        chatId,
        authorId,
        body,
        ...(replyToId ? { replyToId } : {}),
        createdAt: new Date().toISOString(),
        status: 'queued',
      }),
    [chatId, authorId],
  );
}
