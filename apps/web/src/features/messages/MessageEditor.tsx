import { can } from '@chatsockets/protocol';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, type KeyboardEvent, useId, useState } from 'react';
import { chatDetailQuery } from '../../api/queries';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { toBody, toDraft } from './mention-text';
import { useEditMessage } from './use-message-actions';

/** Edits a body as the composer writes one: mentions as `@name` (mention-text.ts). Escape cancels. */
export function MessageEditor(props: { chatId: string; messageId: string; body: string; onDone(): void }) {
  const edit = useEditMessage(props.chatId);
  const detail = useQuery(chatDetailQuery(props.chatId)).data;
  const users = detail?.members.map((m) => m.user) ?? [];
  const [initial] = useState(() => toDraft(props.body, users));
  const [text, setText] = useState(initial);
  const id = useId();
  const save = (e?: FormEvent) => {
    e?.preventDefault();
    if (!text.trim() || text === initial) return props.onDone();
    const body = toBody(text.trim(), users, detail ? can(detail.chat, 'mention-all') : false);
    edit.mutate({ messageId: props.messageId, body }, { onSuccess: props.onDone });
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
        Edit message
      </label>
      <textarea
        id={id}
        rows={2}
        // Opened on purpose (its Edit button, or ↑ in the composer): typing goes here at once.
        // biome-ignore lint/a11y/noAutofocus: the user asked to edit this message
        autoFocus
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <ErrorMessage error={edit.error} />
      <div className="row">
        <button type="submit" className="button button--small button--primary" disabled={edit.isPending}>
          Save
        </button>
        <button type="button" className="button button--small" onClick={props.onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
