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

/**
 * The clientIds sent from this page. The outbox is shared with the user's other tabs, so a
 * pending row may be another window's send: only one's own send scrolls the list to the end.
 */
const sentHere = new Set<string>();
export const wasSentHere = (clientId: string) => sentHere.has(clientId);

export function useSendMessage(
  chatId: string,
  authorId: string,
): (body: string, extras?: SendExtras) => void {
  return useCallback(
    (body: string, { replyToId, attachments }: SendExtras = {}) => {
      const clientId = newClientId();
      sentHere.add(clientId);
      useOutbox.getState().add({
        clientId,
        chatId,
        authorId,
        body,
        ...(replyToId ? { replyToId } : {}),
        ...(attachments?.length ? { attachments } : {}),
        createdAt: new Date().toISOString(),
        status: 'queued',
      });
    },
    [chatId, authorId],
  );
}
