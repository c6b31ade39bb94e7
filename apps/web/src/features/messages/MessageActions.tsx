import type { Message } from '@chatsockets/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../../ui/format-time';
import { useDeleteMessage } from './use-message-actions';

/**
 * Edit (own messages) and delete (own, or anyone's for owners/admins), with a confirm step.
 * Wide screens show the buttons on hover or focus; narrow ones keep them in a menu that a tap
 * or long-press on the message opens (#19 bug 6), with a "⋯" button for keyboards and screen
 * readers that is out of sight until focused.
 */
export function MessageActions(props: {
  chatId: string;
  message: Message;
  canEdit: boolean;
  onEdit(): void;
  menuOpen: boolean;
  onMenu(open: boolean): void;
}) {
  const [confirming, setConfirming] = useState(false);
  const remove = useDeleteMessage(props.chatId);
  const { t } = useTranslation('messages');
  // Named for their message, so a screen reader's list of buttons says which one each acts on (#19 bug 8).
  const named = { author: props.message.author.username, time: formatTime(props.message.createdAt) };
  if (confirming) {
    return (
      <div className="message__actions message__actions--open">
        <button
          type="button"
          className="button button--small button--danger"
          disabled={remove.isPending}
          onClick={() =>
            remove.mutate(props.message, {
              onSettled: () => {
                setConfirming(false);
                props.onMenu(false);
              },
            })
          }
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
    <div className={`message__actions${props.menuOpen ? ' message__actions--open' : ''}`}>
      <button
        type="button"
        className="icon-button message__more"
        aria-label={t('actionsFor', named)}
        aria-expanded={props.menuOpen}
        onClick={() => props.onMenu(!props.menuOpen)}
      >
        ⋯
      </button>
      <span className="message__buttons">
        {props.canEdit && (
          <button
            type="button"
            className="icon-button"
            aria-label={t('editMessageFrom', named)}
            onClick={() => {
              props.onMenu(false);
              props.onEdit();
            }}
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
      </span>
    </div>
  );
}
