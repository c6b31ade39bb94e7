import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useDeferredValue, useId, useState } from 'react';
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
  return (
    <Dialog title="Public chats" onClose={onClose}>
      <div className="field">
        <label htmlFor={id}>Search by title</label>
        <input id={id} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      <ErrorMessage error={results.error ?? join.error} />
      <ul className="result-list" aria-label="Public chats">
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
                Open
              </button>
            ) : (
              <button
                type="button"
                className="button button--small button--primary"
                aria-label={`Join ${chat.title}`}
                disabled={join.isPending}
                onClick={() => join.mutate(chat.id, { onSuccess: onClose })}
              >
                Join
              </button>
            )}
          </li>
        ))}
        {results.isSuccess && results.data.chats.length === 0 && (
          <li className="hint">No public chats found.</li>
        )}
      </ul>
      <div className="dialog__footer">
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
