import type { Message } from '@chatsockets/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hasReacted } from '../../state/reactions';
import { useUi } from '../../stores/ui.store';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { ReactionPicker } from './ReactionPicker';
import { useSetPinned, useToggleReaction } from './use-conversation-actions';

/** Reply, react and pin on a confirmed message, each shown only when the chat allows it. */
export function MessageToolbar(props: {
  chatId: string;
  message: Message;
  selfId: string;
  canReply: boolean;
  canReact: boolean;
  canPin: boolean;
}) {
  const { chatId, message, selfId } = props;
  const { t } = useTranslation('conversation');
  const setReplyTo = useUi((s) => s.setReplyTo);
  const [picking, setPicking] = useState(false);
  const toggle = useToggleReaction(chatId);
  const pin = useSetPinned(chatId);
  const pinned = message.pinnedAt !== null;
  return (
    <div className="message__toolbar">
      {props.canReply && (
        <button
          type="button"
          className="icon-button"
          aria-label={t('replyTo', { author: message.author.username })}
          onClick={() =>
            setReplyTo(chatId, {
              id: message.id,
              seq: message.seq,
              author: message.author.username,
              preview: message.body.trim().split('\n', 1)[0] ?? '',
            })
          }
        >
          {t('reply')}
        </button>
      )}
      {props.canReact && (
        <button
          type="button"
          className="icon-button"
          aria-label={t('addReaction')}
          aria-expanded={picking}
          onClick={() => setPicking((v) => !v)}
        >
          {t('react')}
        </button>
      )}
      {props.canPin && (
        <button
          type="button"
          className="icon-button"
          disabled={pin.isPending}
          onClick={() => pin.mutate({ messageId: message.id, on: !pinned })}
        >
          {pinned ? t('unpin') : t('pin')}
        </button>
      )}
      {picking && (
        <ReactionPicker
          onPick={(emoji) => {
            setPicking(false);
            toggle.mutate({ messageId: message.id, emoji, on: !hasReacted(message, emoji, selfId) });
          }}
        />
      )}
      {(toggle.isError || pin.isError) && <ErrorMessage error={toggle.error ?? pin.error} />}
    </div>
  );
}
