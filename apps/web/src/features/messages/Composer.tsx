import { LIMITS } from '@chatsockets/protocol';
import { type FormEvent, type KeyboardEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useUi } from '../../stores/ui.store';
import { useSendMessage } from './use-send-message';
import { useTypingNotifier } from './use-typing-notifier';

/** Enter sends, Shift+Enter adds a line. Sending never waits for the network (see the outbox). */
export function Composer({ chatId, selfId }: { chatId: string; selfId: string }) {
  const draft = useUi((s) => s.drafts[chatId] ?? '');
  const setDraft = useUi((s) => s.setDraft);
  const send = useSendMessage(chatId, selfId);
  const typing = useTypingNotifier(chatId);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const { t } = useTranslation('messages');

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const body = draft.trim();
    if (!body) return;
    if (body.length > LIMITS.bodyMax) {
      setError(t('errors:field.bodyTooLong', { count: LIMITS.bodyMax }));
      return;
    }
    setError(null);
    send(body);
    typing.reset();
    setDraft(chatId, '');
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };

  const rows = Math.min(6, Math.max(1, draft.split('\n').length));
  return (
    <form className="composer" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        {t('label')}
      </label>
      <textarea
        id={id}
        rows={rows}
        placeholder={t('placeholder')}
        value={draft}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => {
          setDraft(chatId, e.target.value);
          if (e.target.value.trim()) typing.notify();
        }}
        onKeyDown={onKeyDown}
      />
      <button type="submit" className="button button--primary" disabled={!draft.trim()}>
        {t('send')}
      </button>
      {error && (
        <p id={`${id}-error`} role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
