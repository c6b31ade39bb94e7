import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useDeferredValue, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { publicChatsQuery } from '../../api/queries';
import { useRoute } from '../../stores/route.store';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { useJoinChat } from './use-chat-mutations';

export function PublicChatsDialog({ onClose }: { onClose(): void }) {
  const [q, setQ] = useState('');
  const query = useDeferredValue(q.trim());
  const results = useQuery({ ...publicChatsQuery(query), placeholderData: keepPreviousData });
  const join = useJoinChat();
  const navigate = useRoute((s) => s.navigate);
  const id = useId();
  const { t } = useTranslation('chats');
  return (
    <Dialog title={t('public.title')} onClose={onClose}>
      <div className="field">
        <label htmlFor={id}>{t('public.search')}</label>
        <input id={id} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      <ErrorMessage error={results.error} />
      <ErrorMessage error={join.error} context="join" />
      <ul className="result-list" aria-label={t('public.title')}>
        {results.data?.chats.map((chat) => (
          <li key={chat.id} className="result">
            <span>{chat.title}</span>
            {chat.role ? (
              <button
                type="button"
                className="button button--small"
                onClick={() => {
                  navigate({ name: 'chat', chatId: chat.id });
                  onClose();
                }}
              >
                {t('public.open')}
              </button>
            ) : (
              <button
                type="button"
                className="button button--small button--primary"
                aria-label={t('public.joinNamed', { title: chat.title })}
                disabled={join.isPending}
                onClick={() => join.mutate(chat.id, { onSuccess: onClose })}
              >
                {t('public.join')}
              </button>
            )}
          </li>
        ))}
        {results.isSuccess && results.data.chats.length === 0 && <li className="hint">{t('public.none')}</li>}
      </ul>
      <div className="dialog__footer">
        <button type="button" className="button" onClick={onClose}>
          {t('common:close')}
        </button>
      </div>
    </Dialog>
  );
}
