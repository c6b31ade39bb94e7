import type { Attachment } from '@chatsockets/protocol';
import { useCallback } from 'react';
import { useOutbox } from '../../stores/outbox.store';
import { newClientId } from './client-id';

/**
 * Sending = putting the message in the persisted outbox with a fresh clientId; the realtime
 * OutboxSender delivers it (now, or when the connection returns, or after a reload).
 */
export function useSendMessage(
  chatId: string,
  authorId: string,
): (body: string, attachments?: Attachment[]) => void {
  return useCallback(
    (body: string, attachments?: Attachment[]) =>
      useOutbox.getState().add({
        clientId: newClientId(),
        chatId,
        authorId,
        body,
        ...(attachments?.length ? { attachments } : {}),
        createdAt: new Date().toISOString(),
        status: 'queued',
      }),
    [chatId, authorId],
  );
}
