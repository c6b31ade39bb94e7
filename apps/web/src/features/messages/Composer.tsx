import { EditMessageBodySchema } from '@chatsockets/protocol';
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useUi } from '../../stores/ui.store';
import { useFieldErrors } from '../../ui/use-field-errors';
import { useSendMessage } from './use-send-message';
import { useTypingNotifier } from './use-typing-notifier';

/** Enter sends, Shift+Enter adds a line. Sending never waits for the network (see the outbox). */
export function Composer({ chatId, selfId }: { chatId: string; selfId: string }) {
  const draft = useUi((s) => s.drafts[chatId] ?? '');
  const setDraft = useUi((s) => s.setDraft);
  const send = useSendMessage(chatId, selfId);
  const typing = useTypingNotifier(chatId);
  const v = useFieldErrors<'body'>();
  const error = v.errors.body;
  const id = useId();
  const { t } = useTranslation('messages');
  const box = useRef<HTMLTextAreaElement>(null);
  const focusRequested = useUi((s) => s.focusComposerOf === chatId);
  useEffect(() => {
    if (!focusRequested) return;
    box.current?.focus();
    useUi.getState().requestComposerFocus(null);
  }, [focusRequested]);

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const body = draft.trim();
    if (!body) return;
    // The protocol's own rule (length after trimming, storable text), said at the field.
    if (!v.check(EditMessageBodySchema, { body })) return;
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
        ref={box}
        {...v.field('body', id)}
        rows={rows}
        placeholder={t('placeholder')}
        value={draft}
        onChange={(e) => {
          setDraft(chatId, e.target.value);
          v.clear('body');
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
