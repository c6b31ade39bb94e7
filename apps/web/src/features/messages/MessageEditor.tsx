import { can, EditMessageBodySchema } from '@chatsockets/protocol';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, type KeyboardEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { chatDetailQuery } from '../../api/queries';
import { useEdits } from '../../stores/edits.store';
import { useUi } from '../../stores/ui.store';
import { FieldError } from '../../ui/FieldError';
import { useFieldErrors } from '../../ui/use-field-errors';
import { toBody, toDraft } from './mention-text';

/**
 * Edits a body as the composer writes one: mentions as `@name` (mention-text.ts). Escape cancels.
 * Saving queues the edit, like sending queues a message: it is shown at once and delivered
 * now or when the connection returns, so an edit made offline keeps its text (#19 bug 4).
 */
export function MessageEditor(props: {
  chatId: string;
  messageId: string;
  authorId: string;
  body: string;
  onDone(): void;
}) {
  const detail = useQuery(chatDetailQuery(props.chatId)).data;
  const users = detail?.members.map((m) => m.user) ?? [];
  const [initial] = useState(() => toDraft(props.body, users));
  // In the ui store: this row may be unmounted (scrolled away) and mounted again mid-edit.
  const typed = useUi((s) => (s.editing?.messageId === props.messageId ? s.editing.text : undefined));
  const text = typed ?? initial;
  const setText = useUi((s) => s.setEditText);
  const id = useId();
  const { t } = useTranslation('messages');
  const v = useFieldErrors<'body'>();
  const save = (e?: FormEvent) => {
    e?.preventDefault();
    if (!text.trim() || text === initial) return props.onDone();
    const body = toBody(text.trim(), users, detail ? can(detail.chat, 'mention-all') : false);
    if (!v.check(EditMessageBodySchema, { body })) return;
    useEdits.getState().put({
      messageId: props.messageId,
      chatId: props.chatId,
      authorId: props.authorId,
      body,
      status: 'queued',
    });
    props.onDone();
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
        {...v.field('body', id)}
        rows={2}
        // Opened on purpose (its Edit button, or ↑ in the composer): typing goes here at once.
        // biome-ignore lint/a11y/noAutofocus: the user asked to edit this message
        autoFocus
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          v.clear('body');
        }}
        onKeyDown={onKeyDown}
      />
      <FieldError id={id} error={v.errors.body} />
      <div className="row">
        <button type="submit" className="button button--small button--primary">
          {t('save')}
        </button>
        <button type="button" className="button button--small" onClick={props.onDone}>
          {t('common:cancel')}
        </button>
      </div>
    </form>
  );
}
