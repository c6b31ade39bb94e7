import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { chatListQuery } from '../api/queries';

const APP_TITLE = 'Chatsockets';

/** The tab's title counts the unread messages of every chat, as other messengers do: "(3) Chatsockets". */
export function useUnreadTitle(): void {
  const { data } = useQuery(chatListQuery());
  const unread = (data?.chats ?? []).reduce((sum, c) => sum + c.unreadCount, 0);
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) ${APP_TITLE}` : APP_TITLE;
    return () => {
      document.title = APP_TITLE;
    };
  }, [unread]);
}
