import type { Chat, ChatDetailResponse, User } from '@chatsockets/protocol';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { chatDetailQuery, chatListQuery } from '../../api/queries';
import { useUi } from '../../stores/ui.store';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { Composer } from '../messages/Composer';
import { MessageList } from '../messages/MessageList';
import { TypingIndicator } from '../messages/TypingIndicator';
import { ChatHeader } from './ChatHeader';
import { readSeqOf } from './chats-cache';
import { MembersPanel } from './MembersPanel';
import { useJoinChat } from './use-chat-mutations';

/**
 * One open chat. Waits for the chat list first (also on a reload of /chats/:id), because the
 * caller's read marker in it decides where the chat opens.
 */
export function ChatScreen({ chatId, self }: { chatId: string; self: User }) {
  const list = useQuery(chatListQuery());
  const detail = useQuery(chatDetailQuery(chatId));
  // A public chat can be read before joining; then it is not in the list yet.
  const chat = list.data?.chats.find((c) => c.id === chatId) ?? detail.data?.chat;
  if (list.isPending || !chat) {
    const error = list.error ?? detail.error;
    return (
      <section className="chat-empty">
        {error ? <ErrorMessage error={error} /> : <p className="empty">Loading…</p>}
      </section>
    );
  }
  return <ChatView chat={chat} detail={detail.data} self={self} />;
}

function ChatView({ chat, detail, self }: { chat: Chat; detail?: ChatDetailResponse; self: User }) {
  const membersOpen = useUi((s) => s.membersOpen);
  const join = useJoinChat();
  // Where the unread divider goes: what was unread when the chat opened; it stays put while
  // reading, and messages arriving while the chat is open are not "unread".
  const [readSeqAtOpen] = useState(() =>
    chat.role !== null && chat.unreadCount > 0 ? readSeqOf(chat) : null,
  );
  const member = chat.role !== null;
  return (
    <section className="chat" aria-label={chat.title}>
      <div className="chat__main">
        <ChatHeader chat={chat} members={detail?.members} self={self} />
        <MessageList
          chat={chat}
          self={self}
          readSeqAtOpen={readSeqAtOpen}
          canModerate={chat.role === 'owner' || chat.role === 'admin'}
        />
        <TypingIndicator chatId={chat.id} selfId={self.id} />
        {member ? (
          <Composer chatId={chat.id} selfId={self.id} />
        ) : (
          <div className="composer">
            <ErrorMessage error={join.error} />
            <button type="button" className="button button--primary" onClick={() => join.mutate(chat.id)}>
              Join this chat
            </button>
          </div>
        )}
      </div>
      {membersOpen && detail && <MembersPanel chat={chat} members={detail.members} self={self} />}
    </section>
  );
}
