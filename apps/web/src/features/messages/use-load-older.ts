import { LIMITS } from '@chatsockets/protocol';
import { type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
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

/**
 * Loads older pages until message `seq` is held (or there is nothing older): a jump to a message
 * above what is loaded, such as the next unread mention.
 */
export async function loadOlderUntil(qc: QueryClient, chatId: string, seq: number): Promise<void> {
  for (;;) {
    const held = getChatMessages(qc, chatId);
    const oldest = held?.messages[0];
    if (!held?.hasOlder || !oldest || oldest.seq <= seq) return;
    const page = await messagesApi.page(chatId, { beforeSeq: oldest.seq, limit: LIMITS.pageMax });
    mergeIntoChat(qc, chatId, page.messages);
    setHasOlder(qc, chatId, page.hasMore);
    if (page.messages.length === 0) return;
  }
}
