import { type FormEvent, type KeyboardEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { useEditMessage } from './use-message-actions';

export function MessageEditor(props: { chatId: string; messageId: string; body: string; onDone(): void }) {
  const edit = useEditMessage(props.chatId);
  const [text, setText] = useState(props.body);
  const id = useId();
  const { t } = useTranslation('messages');
  const save = (e?: FormEvent) => {
    e?.preventDefault();
    if (!text.trim() || text === props.body) return props.onDone();
    edit.mutate({ messageId: props.messageId, body: text.trim() }, { onSuccess: props.onDone });
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') props.onDone();
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      save();
    }
  };
  return (
    <form className="message__edit" onSubmit={save}>
      <label htmlFor={id} className="visually-hidden">
        {t('editLabel')}
      </label>
      <textarea
        id={id}
        rows={2}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <ErrorMessage error={edit.error} />
      <div className="row">
        <button type="submit" className="button button--small button--primary" disabled={edit.isPending}>
          {t('save')}
        </button>
        <button type="button" className="button button--small" onClick={props.onDone}>
          {t('common:cancel')}
        </button>
      </div>
    </form>
  );
}
