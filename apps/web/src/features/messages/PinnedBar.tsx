import { type Chat, can } from '@chatsockets/protocol';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pinsQuery } from '../../api/queries';
import { useMentionNames } from '../../ui/MessageText';
import { previewText } from '../../ui/preview';
import { useJumpToMessage, useSetPinned } from './use-conversation-actions';

/**
 * Under the chat header: the latest pin first; a click jumps to the one shown and moves on to
 * the next older (round again after the oldest), as Telegram's pinned bar does.
 */
export function PinnedBar({ chat }: { chat: Chat }) {
  const { t } = useTranslation('conversation');
  const pins = useQuery(pinsQuery(chat.id));
  const [index, setIndex] = useState(0);
  const jump = useJumpToMessage();
  const unpin = useSetPinned(chat.id);
  const names = useMentionNames();
  const list = pins.data ?? [];
  if (list.length === 0) return null;
  const at = index % list.length;
  const shown = list[at]!;
  // Its first line as the message reads (mentions by name, no Markdown marks), or its files.
  const firstLine = shown.body.trim().split('\n', 1)[0] ?? '';
  const preview = previewText(
    { body: firstLine, attachments: shown.attachments },
    t,
    names.nameOf,
    names.unknown,
  );
  return (
    <div className="pinned-bar" data-testid="pinned-bar">
      <button
        type="button"
        className="pinned-bar__main"
        aria-label={t('showPinned')}
        onClick={() => {
          void jump(chat.id, shown.seq);
          setIndex(at + 1);
        }}
      >
        <span className="pinned-bar__title">
          {list.length > 1 ? t('pinnedOf', { index: at + 1, total: list.length }) : t('pinned')}
        </span>
        <span className="pinned-bar__text" data-testid="pinned-text">
          {shown.author.username}: {preview}
        </span>
      </button>
      {can(chat, 'pin') && (
        <button
          type="button"
          className="icon-button"
          disabled={unpin.isPending}
          onClick={() => unpin.mutate({ messageId: shown.id, on: false })}
        >
          {t('unpin')}
        </button>
      )}
    </div>
  );
}
