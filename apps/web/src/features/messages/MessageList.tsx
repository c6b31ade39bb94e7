import type { Chat, User } from '@chatsockets/protocol';
import { useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { messagesQuery } from '../../api/queries';
import { buildTimeline } from '../../state/merge-messages';
import { useOutbox } from '../../stores/outbox.store';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { MessageItem } from './MessageItem';
import { buildRows, type Row } from './timeline-rows';
import { useLoadOlder } from './use-load-older';
import { useMessageScroll } from './use-message-scroll';
import { useReadTracking } from './use-read-tracking';

function lastOwnConfirmedKey(rows: readonly Row[], selfId: string): string | null {
  for (let i = rows.length - 1; i >= 0; i--) {
    const r = rows[i]!;
    if (r.kind === 'item' && r.item.kind === 'confirmed' && r.item.message.author.id === selfId) return r.key;
  }
  return null;
}

export interface MessageListProps {
  chat: Chat;
  self: User;
  /** The read marker when the chat was opened: where the unread divider goes; null = none. */
  readSeqAtOpen: number | null;
  canModerate: boolean;
  /** May edit their own messages (a member). */
  canEdit: boolean;
}

/**
 * The chat's history, virtualized. Older pages load on scrolling up and keep the reader's
 * place (anchorTo: 'end'); at the bottom it follows new messages, otherwise it offers a jump.
 */
export function MessageList({ chat, self, readSeqAtOpen, canModerate, canEdit }: MessageListProps) {
  const messages = useQuery(messagesQuery(chat.id));
  const { t } = useTranslation('messages');
  const pending = useOutbox(
    useShallow((s) => s.entries.filter((e) => e.chatId === chat.id && e.authorId === self.id)),
  );
  const rows = useMemo(
    () => buildRows(buildTimeline(messages.data?.messages ?? [], pending), self.id, readSeqAtOpen),
    [messages.data, pending, self.id, readSeqAtOpen],
  );
  const seenByKey = lastOwnConfirmedKey(rows, self.id);
  const scrollerRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollerRef.current,
    estimateSize: () => 60,
    getItemKey: (i) => rows[i]!.key,
    overscan: 10,
    paddingStart: 8,
    paddingEnd: 8,
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: 24,
  });
  const older = useLoadOlder(chat.id);
  const checkRead = useReadTracking({
    chatId: chat.id,
    enabled: chat.role !== null,
    rows,
    scrollerRef,
    virtualizer,
  });
  const scroll = useMessageScroll({
    rows,
    ready: messages.isSuccess,
    scrollerRef,
    virtualizer,
    onNearTop: () => {
      if (messages.data?.hasOlder && !older.isPending) older.mutate();
    },
    onScrolled: checkRead,
  });
  const items = virtualizer.getVirtualItems();

  return (
    <div className="messages">
      {messages.isError && <ErrorMessage error={messages.error} />}
      {(older.isPending || messages.isPending) && (
        <p className="messages__loading" role="status">
          {t('loading')}
        </p>
      )}
      <div
        ref={scrollerRef}
        className="messages__scroller"
        onScroll={scroll.onScroll}
        role="log"
        aria-label={t('listLabel', { title: chat.title })}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the scroll region must be keyboard scrollable
        tabIndex={0}
        data-testid="message-list"
      >
        {messages.isSuccess && rows.length === 0 && <p className="empty">{t('empty')}</p>}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((v) => {
            const row = rows[v.index]!;
            return (
              <div
                key={v.key}
                data-index={v.index}
                ref={virtualizer.measureElement}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  width: '100%',
                  transform: `translateY(${v.start}px)`,
                }}
              >
                {row.kind === 'divider' ? (
                  <div className="unread-divider" data-testid="unread-divider">
                    {t('unreadDivider')}
                  </div>
                ) : (
                  <MessageItem
                    chatId={chat.id}
                    item={row.item}
                    self={self}
                    showHeader={row.showHeader}
                    canModerate={canModerate}
                    canEdit={canEdit}
                    showSeenBy={row.key === seenByKey}
                  />
                )}
              </div>
            );
          })}
        </div>
      </div>
      {!scroll.atEnd && (
        <button type="button" className="button button--primary jump" onClick={scroll.jumpToEnd}>
          {scroll.unseen > 0 ? t('newBelow', { count: scroll.unseen }) : t('jumpToLatest')}
        </button>
      )}
    </div>
  );
}
