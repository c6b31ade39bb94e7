import type { Message } from '@chatsockets/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../../ui/format-time';
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
  const { t } = useTranslation('messages');
  // Named for their message, so a screen reader's list of buttons says which one each acts on (#19 bug 8).
  const named = { author: props.message.author.username, time: formatTime(props.message.createdAt) };
  if (confirming) {
    return (
      <div className="message__actions">
        <button
          type="button"
          className="button button--small button--danger"
          disabled={remove.isPending}
          onClick={() => remove.mutate(props.message, { onSettled: () => setConfirming(false) })}
        >
          {t('delete')}
        </button>
        <button type="button" className="button button--small" onClick={() => setConfirming(false)}>
          {t('keep')}
        </button>
      </div>
    );
  }
  return (
    <div className="message__actions">
      {props.canEdit && (
        <button
          type="button"
          className="icon-button"
          aria-label={t('editMessageFrom', named)}
          onClick={props.onEdit}
        >
          {t('edit')}
        </button>
      )}
      <button
        type="button"
        className="icon-button"
        aria-label={t('deleteMessageFrom', named)}
        onClick={() => setConfirming(true)}
      >
        {t('delete')}
      </button>
    </div>
  );
}
