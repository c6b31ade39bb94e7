import { type Chat, can, type User } from '@chatsockets/protocol';
import { useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { messagesQuery } from '../../api/queries';
import { buildTimeline } from '../../state/merge-messages';
import { useOutbox } from '../../stores/outbox.store';
import { useRoute } from '../../stores/route.store';
import { useUi } from '../../stores/ui.store';
import { DateSeparator } from '../../ui/DateSeparator';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { MessageItem } from './MessageItem';
import { buildRows, type Row } from './timeline-rows';
import { useJumpToMessage } from './use-conversation-actions';
import { useLoadOlder } from './use-load-older';
import { useMessageScroll } from './use-message-scroll';
import { useReadTracking } from './use-read-tracking';

const indexOfMessage = (rows: readonly Row[], match: (m: { id: string; seq: number }) => boolean) =>
  rows.findIndex((r) => r.kind === 'item' && r.item.kind === 'confirmed' && match(r.item.message));

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
    () =>
      buildRows(
        buildTimeline(messages.data?.messages ?? [], pending),
        self.id,
        readSeqAtOpen,
        !messages.data?.hasOlder,
      ),
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
  const highlighted = useJumpTarget(chat.id, rows, virtualizer);

  // The message being edited (↑ in the composer may pick one scrolled away) comes into view.
  const editingId = useUi((s) => (s.editing?.chatId === chat.id ? s.editing.messageId : null));
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when editing starts, not on every new row
  useEffect(() => {
    const i = editingId ? indexOfMessage(rows, (m) => m.id === editingId) : -1;
    if (i >= 0) virtualizer.scrollToIndex(i, { align: 'auto' });
  }, [editingId, virtualizer]);

  // The next unread mention, by the one jump (history around it when it is not held); reading
  // it (read tracking) takes it off the chat's list, so the next press goes to the one after.
  const jump = useJumpToMessage();
  const nextMention = chat.unreadMentionSeqs[0];
  const jumpToMention = () => {
    if (nextMention !== undefined) void jump(chat.id, nextMention);
  };

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
                className={row.kind === 'item' && row.key === highlighted ? 'jump-highlight' : undefined}
                data-highlighted={row.kind === 'item' && row.key === highlighted ? true : undefined}
                ref={virtualizer.measureElement}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  width: '100%',
                  transform: `translateY(${v.start}px)`,
                }}
              >
                {row.kind === 'date' ? (
                  <DateSeparator day={row.day} />
                ) : row.kind === 'divider' ? (
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
                    canReply={can(chat, 'post')}
                    canReact={can(chat, 'react')}
                    canPin={can(chat, 'pin')}
                  />
                )}
              </div>
            );
          })}
        </div>
      </div>
      {chat.unreadMentionCount > 0 && nextMention !== undefined && (
        <button
          type="button"
          className="button jump jump--mention"
          data-testid="next-mention"
          title={t('compose:mention.next')}
          onClick={jumpToMention}
        >
          <span aria-hidden="true">@</span>{' '}
          <span className="visually-hidden">{t('compose:mention.next')}: </span>
          {t('compose:mention.unread', { count: chat.unreadMentionCount })}
        </button>
      )}
      {!scroll.atEnd && (
        <button type="button" className="button button--primary jump" onClick={scroll.jumpToEnd}>
          {scroll.unseen > 0 ? t('newBelow', { count: scroll.unseen }) : t('jumpToLatest')}
        </button>
      )}
    </div>
  );
}

const HIGHLIGHT_MS = 2000;

/**
 * Follows `jumpToMessage`: once the target's row is loaded, scrolls it to the middle and
 * highlights it for a moment. Returns the key of the highlighted row.
 */
function useJumpTarget(
  chatId: string,
  rows: readonly Row[],
  virtualizer: ReturnType<typeof useVirtualizer<HTMLDivElement, Element>>,
): string | null {
  const jump = useRoute((s) => (s.jump?.chatId === chatId ? s.jump : null));
  const clearJump = useRoute((s) => s.clearJump);
  const [highlighted, setHighlighted] = useState<string | null>(null);
  useEffect(() => {
    if (!jump) return;
    const index = rows.findIndex(
      (r) => r.kind === 'item' && r.item.kind === 'confirmed' && r.item.message.seq === jump.seq,
    );
    if (index < 0) return; // not loaded yet: the rows change once it is
    virtualizer.scrollToIndex(index, { align: 'center' });
    setHighlighted(rows[index]!.key);
    clearJump(jump.nonce);
  }, [jump, rows, virtualizer, clearJump]);
  useEffect(() => {
    if (!highlighted) return;
    const timer = setTimeout(() => setHighlighted(null), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [highlighted]);
  return highlighted;
}
