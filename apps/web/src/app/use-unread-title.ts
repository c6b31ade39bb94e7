import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { chatListQuery } from '../api/queries';

/** The tab's title counts the unread messages of every chat, as other messengers do: "(3) Chatsockets". */
export function useUnreadTitle(): void {
  const { data } = useQuery(chatListQuery());
  const { t } = useTranslation();
  const unread = (data?.chats ?? []).reduce((sum, c) => sum + c.unreadCount, 0);
  const app = t('appName');
  const title = unread > 0 ? t('titleUnread', { count: unread, app }) : app;
  useEffect(() => {
    document.title = title;
    return () => {
      document.title = app;
    };
  }, [title, app]);
}
