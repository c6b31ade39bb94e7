import type { Message } from '@chatsockets/protocol';
import { useState } from 'react';
import { useDeleteMessage } from './use-message-actions';

/** Edit (own messages) and delete (own, or anyone's for owners/admins), with a confirm step. */
export function MessageActions(props: {
  chatId: string;
  message: Message;
  canEdit: boolean;
  onEdit(): void;
}) {
  const [confirming, setConfirming] = useState(false);
  const remove = useDeleteMessage(props.chatId);
  if (confirming) {
    return (
      <div className="message__actions">
        <button
          type="button"
          className="button button--small button--danger"
          disabled={remove.isPending}
          onClick={() => remove.mutate(props.message, { onSettled: () => setConfirming(false) })}
        >
          Delete
        </button>
        <button type="button" className="button button--small" onClick={() => setConfirming(false)}>
          Keep
        </button>
      </div>
    );
  }
  return (
    <div className="message__actions">
      {props.canEdit && (
        <button type="button" className="icon-button" aria-label="Edit message" onClick={props.onEdit}>
          Edit
        </button>
      )}
      <button
        type="button"
        className="icon-button"
        aria-label="Delete message"
        onClick={() => setConfirming(true)}
      >
        Delete
      </button>
    </div>
  );
}
