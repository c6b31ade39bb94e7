import type { Attachment } from '@chatsockets/protocol';
import { useCallback } from 'react';
import { useOutbox } from '../../stores/outbox.store';
import { newClientId } from './client-id';

/**
 * Sending = putting the message in the persisted outbox with a fresh clientId; the realtime
 * OutboxSender delivers it (now, or when the connection returns, or after a reload).
 */
export interface SendExtras {
  /** The message of the same chat this one answers. */
  replyToId?: string;
  /** Files already uploaded. */
  attachments?: Attachment[];
}

export function useSendMessage(
  chatId: string,
  authorId: string,
): (body: string, extras?: SendExtras) => void {
  return useCallback(
    (body: string, { replyToId, attachments }: SendExtras = {}) =>
      useOutbox.getState().add({
        clientId: newClientId(),
        chatId,
        authorId,
        body,
        ...(replyToId ? { replyToId } : {}),
        ...(attachments?.length ? { attachments } : {}),
        createdAt: new Date().toISOString(),
        status: 'queued',
      }),
    [chatId, authorId],
  );
}
