import type { Chat } from '@chatsockets/protocol';
import type { MouseEvent } from 'react';
import { routePath, useRoute } from '../../stores/route.store';
import { formatFull, formatTime } from '../../ui/format-time';

function preview(chat: Chat): string {
  const m = chat.lastMessage;
  if (!m) return chat.kind === 'direct' ? 'Say hello' : 'No messages yet';
  const text = m.deletedAt ? 'Message deleted' : m.body.replace(/\s+/g, ' ');
  return chat.kind === 'direct' ? text : `${m.author.username}: ${text}`;
}

export function ChatListItem({ chat, active }: { chat: Chat; active: boolean }) {
  const navigate = useRoute((s) => s.navigate);
  const when = chat.lastMessage?.createdAt ?? chat.createdAt;
  const open = (e: MouseEvent) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
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
        <span className="chat-item__preview">{preview(chat)}</span>
        {chat.unreadCount > 0 ? (
          <span
            className={chat.muted ? 'badge badge--muted' : 'badge'}
            data-testid="unread-badge"
            data-count={chat.unreadCount}
            data-muted={chat.muted}
          >
            <span aria-hidden="true">{chat.unreadCount > 99 ? '99+' : chat.unreadCount}</span>
            <span className="visually-hidden">{chat.unreadCount} unread</span>
          </span>
        ) : (
          <span />
        )}
      </a>
    </li>
  );
}
