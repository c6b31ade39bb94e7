import type { Message } from '@chatsockets/protocol';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { messagesApi } from '../../api/messages.api';
import { useSocket } from '../../app/realtime-context';
import { mergeIntoChat } from '../../state/messages';
import { useOutbox } from '../../stores/outbox.store';

export function useDeleteMessage(chatId: string) {
  const qc = useQueryClient();
  const socket = useSocket();
  return useMutation({
    mutationFn: async (message: Message) => {
      if (socket?.isOpen) await socket.request({ type: 'message.delete', messageId: message.id });
      else await messagesApi.remove(chatId, message.id);
    },
    // The delete answers without the message; show it deleted now, the event confirms it.
    onSuccess: (_r, message) =>
      mergeIntoChat(qc, chatId, [{ ...message, body: '', deletedAt: new Date().toISOString() }]),
  });
}

export function retryPending(clientId: string): void {
  useOutbox.getState().update(clientId, { status: 'queued', error: undefined });
}

export function discardPending(clientId: string): void {
  useOutbox.getState().remove(clientId);
}
