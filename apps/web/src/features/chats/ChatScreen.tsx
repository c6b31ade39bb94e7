import type { User } from '@chatsockets/protocol';
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

/** One open chat: header, history, who is typing, composer, and the members panel. */
export function ChatScreen({ chatId, self }: { chatId: string; self: User }) {
  const listed = useQuery({ ...chatListQuery(), select: (d) => d.chats.find((c) => c.id === chatId) });
  const detail = useQuery(chatDetailQuery(chatId));
  const membersOpen = useUi((s) => s.membersOpen);
  const join = useJoinChat();
  // A public chat can be read before joining; then it is not in the list yet.
  const chat = listed.data ?? detail.data?.chat;
  // Where the unread divider goes: fixed when the chat opens, so it does not move while reading.
  // Only what was unread at that moment; messages arriving while the chat is open are not "unread".
  const [readSeqAtOpen] = useState(() =>
    listed.data && listed.data.unreadCount > 0 ? readSeqOf(listed.data) : null,
  );

  if (!chat) {
    return (
      <section className="chat-empty">
        {detail.isError ? <ErrorMessage error={detail.error} /> : <p className="empty">Loading…</p>}
      </section>
    );
  }
  const member = chat.role !== null;
  return (
    <section className="chat" aria-label={chat.title}>
      <div className="chat__main">
        <ChatHeader chat={chat} members={detail.data?.members} self={self} />
        <MessageList
          chat={chat}
          self={self}
          readSeqAtOpen={member ? readSeqAtOpen : null}
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
      {membersOpen && detail.data && <MembersPanel chat={chat} members={detail.data.members} self={self} />}
    </section>
  );
}
