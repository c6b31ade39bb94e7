import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { chatListQuery } from '../../api/queries';
import { sortChats } from '../../state/chats';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { ChatListItem } from './ChatListItem';

export function ChatList({ activeChatId }: { activeChatId: string | null }) {
  const list = useQuery(chatListQuery());
  const { t } = useTranslation('chats');
  const chats = useMemo(() => sortChats(list.data?.chats ?? []), [list.data]);
  return (
    <nav aria-labelledby="chat-list-title" className="sidebar__list">
      <h2 id="chat-list-title">{t('listTitle')}</h2>
      {list.isError && <ErrorMessage error={list.error} />}
      {list.isPending && <p className="empty">{t('common:loading')}</p>}
      {list.isSuccess && chats.length === 0 && <p className="empty">{t('empty')}</p>}
      <ul className="chat-list">
        {chats.map((chat) => (
          <ChatListItem key={chat.id} chat={chat} active={chat.id === activeChatId} />
        ))}
      </ul>
    </nav>
  );
}
