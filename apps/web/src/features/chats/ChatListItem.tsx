import type { Chat } from '@chatsockets/protocol';
import type { TFunction } from 'i18next';
import type { MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { routePath, useRoute } from '../../stores/route.store';
import { useUi } from '../../stores/ui.store';
import { formatFull, formatTime } from '../../ui/format-time';

function preview(t: TFunction<'chats'>, chat: Chat): string {
  const m = chat.lastMessage;
  if (!m) return chat.kind === 'direct' ? t('sayHello') : t('noMessagesYet');
  const text = m.deletedAt ? t('messageDeleted') : m.body.replace(/\s+/g, ' ');
  return chat.kind === 'direct' ? text : t('previewFrom', { author: m.author.username, text });
}

export function ChatListItem({ chat, active }: { chat: Chat; active: boolean }) {
  const navigate = useRoute((s) => s.navigate);
  const { t } = useTranslation('chats');
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
        <span className="chat-item__title">{chat.title}</span>
        <time className="chat-item__time" dateTime={when} title={formatFull(when)}>
          {formatTime(when)}
        </time>
        <span className="chat-item__preview">{preview(t, chat)}</span>
        {chat.unreadCount > 0 ? (
          <span className="badge" data-testid="unread-badge" data-count={chat.unreadCount}>
            <span aria-hidden="true">{chat.unreadCount > 99 ? t('unreadMax') : chat.unreadCount}</span>
            <span className="visually-hidden">{t('unread', { count: chat.unreadCount })}</span>
          </span>
        ) : (
          <span />
        )}
      </a>
    </li>
  );
}
