import { useQueries, useQuery } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { chatDetailQuery, chatListQuery } from '../../api/queries';
import { sortChats } from '../../state/chats';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { ChatListItem } from './ChatListItem';

/** Case- and accent-insensitive "contains", in the user's language. */
const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLocaleLowerCase();

export function ChatList({ activeChatId }: { activeChatId: string | null }) {
  const list = useQuery(chatListQuery());
  const { t } = useTranslation('chats');
  const chats = useMemo(() => sortChats(list.data?.chats ?? []), [list.data]);
  const [filter, setFilter] = useState('');
  const needle = fold(filter.trim());
  // Member names are in each chat's detail: fetched (and cached) only while filtering.
  const details = useQueries({
    queries: chats.map((c) => ({ ...chatDetailQuery(c.id), enabled: needle.length > 0, staleTime: 60_000 })),
  });
  const shown = useMemo(() => {
    if (!needle) return chats;
    return chats.filter((c, i) => {
      if (fold(c.title).includes(needle)) return true;
      const members = details[i]?.data?.members ?? [];
      return members.some((m) => fold(m.user.username).includes(needle));
    });
  }, [chats, details, needle]);
  const filterId = useId();
  return (
    <nav aria-labelledby="chat-list-title" className="sidebar__list">
      <h2 id="chat-list-title">{t('listTitle')}</h2>
      <label htmlFor={filterId} className="visually-hidden">
        {t('search:filterChats')}
      </label>
      <input
        id={filterId}
        type="search"
        className="chat-filter"
        placeholder={t('search:filterPlaceholder')}
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        data-testid="chat-filter"
      />
      {list.isError && <ErrorMessage error={list.error} />}
      {list.isPending && <p className="empty">{t('common:loading')}</p>}
      {list.isSuccess && chats.length === 0 && <p className="empty">{t('empty')}</p>}
      {needle && chats.length > 0 && shown.length === 0 && (
        <p className="empty">{t('search:noChatMatches')}</p>
      )}
      <ul className="chat-list">
        {shown.map((chat) => (
          <ChatListItem key={chat.id} chat={chat} active={chat.id === activeChatId} />
        ))}
      </ul>
    </nav>
  );
}
