import type { Chat, ChatDetailResponse, User } from '@chatsockets/protocol';
import { useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import type { MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../../state/query-keys';
import { routePath, useRoute } from '../../stores/route.store';
import { useUi } from '../../stores/ui.store';
import { formatFull, formatTime } from '../../ui/format-time';
import { previewText } from '../../ui/preview';

function preview(t: TFunction<'chats'>, chat: Chat, nameOf: (id: string) => string | undefined): string {
  const m = chat.lastMessage;
  if (!m) return chat.kind === 'direct' ? t('sayHello') : t('noMessagesYet');
  const text = m.deletedAt ? t('messageDeleted') : previewText(m, t, nameOf);
  return chat.kind === 'direct' ? text : t('previewFrom', { author: m.author.username, text });
}

export function ChatListItem({ chat, active }: { chat: Chat; active: boolean }) {
  const navigate = useRoute((s) => s.navigate);
  const { t } = useTranslation('chats');
  const qc = useQueryClient();
  // Mentions in the preview by name, when the chat's members are loaded (else "@…").
  const nameOf = (id: string) => {
    const self = qc.getQueryData<User | null>(queryKeys.me());
    if (self?.id === id) return self.username;
    if (chat.lastMessage?.author.id === id) return chat.lastMessage.author.username;
    return qc.getQueryData<ChatDetailResponse>(queryKeys.chat(chat.id))?.members.find((m) => m.user.id === id)
      ?.user.username;
  };
  const when = chat.lastMessage?.createdAt ?? chat.createdAt;
  const open = (e: MouseEvent) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    // Enter on the link is a click with no pointer (detail 0): the keyboard user goes on to write.
    if (e.detail === 0) useUi.getState().requestComposerFocus(chat.id);
    navigate({ name: 'chat', chatId: chat.id });
  };
  return (
    <li>
      <a
        className="chat-item"
        href={routePath({ name: 'chat', chatId: chat.id })}
        onClick={open}
        aria-current={active ? 'page' : undefined}
        data-testid="chat-item"
        data-chat-title={chat.title}
      >
        {/* dir="auto": people's text is isolated, so a right-to-left override in it stops at its end. */}
        <span className="chat-item__title" dir="auto">
          {chat.title}
        </span>
        <time className="chat-item__time" dateTime={when} title={formatFull(when)}>
          {formatTime(when)}
        </time>
        <span className="chat-item__preview" dir="auto">
          {preview(t, chat, nameOf)}
        </span>
        <span className="chat-item__badges">
          {chat.unreadMentionCount > 0 && (
            <span
              className="badge badge--mention"
              data-testid="mention-badge"
              data-count={chat.unreadMentionCount}
              title={t('compose:mention.unread', { count: chat.unreadMentionCount })}
            >
              <span aria-hidden="true">@</span>
              <span className="visually-hidden">
                {t('compose:mention.unread', { count: chat.unreadMentionCount })}
              </span>
            </span>
          )}
          {chat.unreadCount > 0 && (
            <span
              className={chat.muted ? 'badge badge--muted' : 'badge'}
              data-testid="unread-badge"
              data-count={chat.unreadCount}
              data-muted={chat.muted}
            >
              <span aria-hidden="true">{chat.unreadCount > 99 ? t('unreadMax') : chat.unreadCount}</span>
              <span className="visually-hidden">{t('unread', { count: chat.unreadCount })}</span>
            </span>
          )}
        </span>
      </a>
    </li>
  );
}
