import { LIMITS } from '@chatsockets/protocol';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { messagesApi } from '../../api/messages.api';
import { getChatMessages, mergeIntoChat, setHasOlder } from '../../state/messages';

/** Loads the page before the oldest message held, through the one merge. */
export function useLoadOlder(chatId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const held = getChatMessages(qc, chatId);
      const oldest = held?.messages[0];
      if (!held?.hasOlder || !oldest) return;
      const page = await messagesApi.page(chatId, { beforeSeq: oldest.seq, limit: LIMITS.pageDefault });
      mergeIntoChat(qc, chatId, page.messages);
      setHasOlder(qc, chatId, page.hasMore);
    },
  });
}
