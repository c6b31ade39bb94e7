import { type Chat, type ChatDetailResponse, can, type User } from '@chatsockets/protocol';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/http';
import { chatDetailQuery, chatListQuery } from '../api/queries';
import { ChatHeader } from '../features/chats/ChatHeader';
import { MembersPanel } from '../features/chats/MembersPanel';
import { useJoinChat } from '../features/chats/use-chat-mutations';
import { Composer } from '../features/messages/Composer';
import { MessageList } from '../features/messages/MessageList';
import { PinnedBar } from '../features/messages/PinnedBar';
import { TypingIndicator } from '../features/messages/TypingIndicator';
import { type RemovedHow, useRemoved } from '../state/removed';
import { useRoute } from '../stores/route.store';
import { useUi } from '../stores/ui.store';
import { ErrorMessage } from '../ui/ErrorMessage';
import { type MentionDirectory, MentionDirectoryProvider } from '../ui/MessageText';

/**
 * One open chat. Waits for the chat list first (also on a reload of /chats/:id), because the
 * caller's read marker in it decides where the chat opens.
 */
export function ChatScreen({ chatId, self }: { chatId: string; self: User }) {
  const { t } = useTranslation();
  const list = useQuery(chatListQuery());
  const removed = useRemoved(chatId);
  const listed = list.data?.chats.find((c) => c.id === chatId);
  // Removed (or left) while here: say so, rather than fetching into a 403.
  const gone = removed !== undefined && !listed;
  const detail = useQuery({ ...chatDetailQuery(chatId), enabled: !gone });
  if (gone) return <NoLongerMember how={removed} />;
  // Refused on its last read (refetched on reconnect after being away) while a copy from before
  // is cached: that copy is not a chat the caller may still read or write in.
  const refused = !listed && detail.data ? refusedHow(detail.error) : undefined;
  if (refused) return <NoLongerMember how={refused} />;
  // A public chat can be read before joining; then it is not in the list yet.
  const chat = listed ?? detail.data?.chat;
  if (list.isPending || !chat) {
    const error = list.error ?? detail.error;
    return (
      <section className="chat-empty">
        {error ? <ErrorMessage error={error} /> : <p className="empty">{t('loading')}</p>}
      </section>
    );
  }
  return (
    <ChatMentions members={detail.data?.members} self={self}>
      <ChatView chat={chat} detail={detail.data} self={self} />
    </ChatMentions>
  );
}

/** Mentions in this chat show each member's current name (docs/PROTOCOL.md › Mentions). */
function ChatMentions(props: { members?: ChatDetailResponse['members']; self: User; children: ReactNode }) {
  const { members, self } = props;
  const directory = useMemo<MentionDirectory>(() => {
    const names = new Map(members?.map((m) => [m.user.id, m.user.username]));
    names.set(self.id, self.username);
    return { nameOf: (id) => names.get(id), selfId: self.id };
  }, [members, self.id, self.username]);
  return <MentionDirectoryProvider value={directory}>{props.children}</MentionDirectoryProvider>;
}

function refusedHow(error: unknown): RemovedHow | undefined {
  if (isApiError(error, 'NOT_FOUND')) return 'deleted';
  return isApiError(error, 'FORBIDDEN') ? 'gone' : undefined;
}

function NoLongerMember({ how }: { how: RemovedHow }) {
  const navigate = useRoute((s) => s.navigate);
  const { t } = useTranslation('chats');
  if (how === 'deleted')
    return (
      <ChatDeletedNotice
        onBack={() => navigate({ name: 'home' })}
        label={t('people:chatDeleted')}
        back={t('backToChats')}
      />
    );
  return (
    <section className="chat-empty" data-testid="no-longer-member">
      <p className="empty" role="status">
        {how === 'removed' ? t('removed') : how === 'left' ? t('left') : t('noLongerMember')}
      </p>
      <button type="button" className="button" onClick={() => navigate({ name: 'home' })}>
        {t('backToChats')}
      </button>
    </section>
  );
}

function ChatView(props: { chat: Chat; detail?: ChatDetailResponse; self: User }) {
  const { detail, self } = props;
  // The list's copy: kept live by events, refetched when the caller's role (so what they may do) changes.
  const chat = props.chat;
  const membersOpen = useUi((s) => s.membersOpen);
  const join = useJoinChat();
  const { t } = useTranslation('chats');
  // Where the unread divider goes: what was unread when the chat opened; it stays put while
  // reading, and messages arriving while the chat is open are not "unread".
  const [readSeqAtOpen] = useState(() => (chat.role !== null && chat.unreadCount > 0 ? chat.readSeq : null));
  const member = can(chat, 'post');
  return (
    <section className="chat" aria-label={chat.title}>
      <div className="chat__main">
        <ChatHeader chat={chat} members={detail?.members} self={self} />
        <PinnedBar key={chat.id} chat={chat} />
        <MessageList
          chat={chat}
          self={self}
          readSeqAtOpen={readSeqAtOpen}
          canModerate={can(chat, 'delete-any')}
          canEdit={can(chat, 'edit-own')}
        />
        <TypingIndicator chatId={chat.id} selfId={self.id} />
        {member ? (
          <Composer
            chatId={chat.id}
            selfId={self.id}
            members={detail?.members.map((m) => m.user)}
            canMentionAll={can(chat, 'mention-all')}
            canEdit={can(chat, 'edit-own')}
          />
        ) : (
          <div className="composer">
            <ErrorMessage error={join.error} />
            <button type="button" className="button button--primary" onClick={() => join.mutate(chat.id)}>
              {t('join')}
            </button>
          </div>
        )}
      </div>
      {membersOpen && detail && <MembersPanel chat={chat} self={self} />}
    </section>
  );
}

function ChatDeletedNotice(props: { label: string; back: string; onBack(): void }) {
  return (
    <section className="chat-empty" data-testid="chat-deleted">
      <p className="empty" role="status">
        {props.label}
      </p>
      <button type="button" className="button" onClick={props.onBack}>
        {props.back}
      </button>
    </section>
  );
}
