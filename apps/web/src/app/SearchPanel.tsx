import type { Chat, ChatDetailResponse, User } from '@chatsockets/protocol';
import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { chatListQuery } from '../api/queries';
import { MessageItem } from '../features/messages/MessageItem';
import { useDebounced } from '../features/search/use-debounced';
import { useSearch } from '../features/search/use-search';
import { jumpToMessage } from '../realtime/jump';
import { queryKeys } from '../state/query-keys';
import { useRoute } from '../stores/route.store';
import { ErrorMessage } from '../ui/ErrorMessage';
import { type MentionDirectory, MentionDirectoryProvider } from '../ui/MessageText';

/**
 * Message search, in the open chat or across all of the user's chats. Results are the one
 * MessageItem with the matched words marked; a click opens the chat at that message.
 */
export function SearchPanel({
  self,
  chatId,
  onClose,
}: {
  self: User;
  chatId: string | null;
  onClose(): void;
}) {
  const { t } = useTranslation('search');
  const [text, setText] = useState('');
  const [scope, setScope] = useState<'chat' | 'all'>(chatId ? 'chat' : 'all');
  const q = useDebounced(text, 250);
  const inChat = scope === 'chat' && chatId ? chatId : undefined;
  const search = useSearch(q, inChat);
  const chats = useQuery(chatListQuery());
  const titleOf = (id: string) => chats.data?.chats.find((c: Chat) => c.id === id)?.title ?? '';
  const navigate = useRoute((s) => s.navigate);
  const qc = useQueryClient();
  const id = useId();
  const results = search.data?.pages.flatMap((p) => p.results) ?? [];
  const noTerms = search.data?.pages[0]?.notice === 'no-terms';
  const open = (target: string, seq: number) => {
    navigate({ name: 'chat', chatId: target });
    void jumpToMessage(qc, target, seq);
    onClose();
  };

  return (
    <section className="search-panel" aria-label={t('title')} data-testid="search-panel">
      <div className="search-panel__bar">
        <label htmlFor={id} className="visually-hidden">
          {t('label')}
        </label>
        <input
          id={id}
          type="search"
          // biome-ignore lint/a11y/noAutofocus: opening search is asking to type
          autoFocus
          placeholder={t('placeholder')}
          value={text}
          maxLength={500}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') onClose();
          }}
        />
        {chatId && (
          <select
            value={scope}
            onChange={(e) => setScope(e.target.value as 'chat' | 'all')}
            aria-label={t('scope')}
          >
            <option value="chat">{t('thisChat')}</option>
            <option value="all">{t('allChats')}</option>
          </select>
        )}
        <button type="button" className="button" onClick={onClose}>
          {t('close')}
        </button>
      </div>
      {search.isError && <ErrorMessage error={search.error} />}
      {search.isFetching && !search.isFetchingNextPage && (
        <p className="empty" role="status">
          {t('searching')}
        </p>
      )}
      {noTerms && <p className="empty">{t('noTerms')}</p>}
      {search.isSuccess && !noTerms && results.length === 0 && <p className="empty">{t('nothing')}</p>}
      <ul className="search-results">
        {results.map((r) => (
          <li key={r.message.id}>
            {/* biome-ignore lint/a11y/useSemanticElements: a result holds a message (an <article>), which a <button> may not */}
            <div
              role="button"
              tabIndex={0}
              className="search-result"
              data-testid="search-result"
              onClick={() => open(r.message.chatId, r.message.seq)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  open(r.message.chatId, r.message.seq);
                }
              }}
            >
              {!inChat && <span className="search-result__chat">{titleOf(r.message.chatId)}</span>}
              <MentionDirectoryProvider value={directoryFor(qc, r.message.chatId, self)}>
                <MessageItem
                  chatId={r.message.chatId}
                  item={{ kind: 'confirmed', key: r.message.id, message: r.message }}
                  self={self}
                  showHeader
                  canModerate={false}
                  canEdit={false}
                  showSeenBy={false}
                  snippet={r.snippet}
                  readOnly
                />
              </MentionDirectoryProvider>
            </div>
          </li>
        ))}
      </ul>
      {search.hasNextPage && (
        <button
          type="button"
          className="button"
          onClick={() => search.fetchNextPage()}
          disabled={search.isFetchingNextPage}
        >
          {t('more')}
        </button>
      )}
    </section>
  );
}

/** A result's mentions by name: the reader, and the members of its chat where they are loaded. */
function directoryFor(qc: QueryClient, chatId: string, self: User): MentionDirectory {
  const members = qc.getQueryData<ChatDetailResponse>(queryKeys.chat(chatId))?.members;
  const names = new Map(members?.map((m) => [m.user.id, m.user.username]));
  names.set(self.id, self.username);
  return { nameOf: (id) => names.get(id), selfId: self.id };
}
