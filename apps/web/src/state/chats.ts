import {
  type Chat,
  type ChatDetailResponse,
  type ChatListResponse,
  LIMITS,
  MENTION_ALL,
  type Message,
} from '@chatsockets/protocol';
import type { QueryClient } from '@tanstack/react-query';
import { isNewerVersion } from './merge-messages';
import { queryKeys } from './query-keys';

// Live updates to the chat list: unread = lastSeq - readSeq (ARCHITECTURE › The one idea).

export function readSeqOf(chat: Pick<Chat, 'lastSeq' | 'unreadCount'>): number {
  return Math.max(0, chat.lastSeq - chat.unreadCount);
}

export function findChat(qc: QueryClient, chatId: string): Chat | undefined {
  return qc.getQueryData<ChatListResponse>(queryKeys.chatList())?.chats.find((c) => c.id === chatId);
}

function updateChat(qc: QueryClient, chatId: string, fn: (chat: Chat) => Chat): void {
  qc.setQueryData<ChatListResponse>(queryKeys.chatList(), (list) => {
    if (!list) return list;
    let changed = false;
    const chats = list.chats.map((c) => {
      if (c.id !== chatId) return c;
      const next = fn(c);
      changed ||= next !== c;
      return next;
    });
    return changed ? { chats } : list;
  });
}

/** A message the caller has to read because it mentions them (docs/PROTOCOL.md › Mentions). */
export const mentionsMe = (m: Message, selfId: string) =>
  m.deletedAt === null &&
  m.author.id !== selfId &&
  (m.mentions.includes(selfId) || m.mentions.includes(MENTION_ALL));

type Mentions = Pick<Chat, 'unreadMentionCount' | 'unreadMentionSeqs'>;
/** The server's count and oldest seqs; `unknown` when this client cannot tell, and must refetch. */
type MentionUpdate = Mentions | 'unknown';

/** The read marker reached `readSeq`: the mentions up to it are read. */
export function readMentions(m: Mentions, readSeq: number): MentionUpdate {
  const seqs = m.unreadMentionSeqs.filter((s) => s > readSeq);
  if (seqs.length === m.unreadMentionSeqs.length) return m;
  const count = m.unreadMentionCount - (m.unreadMentionSeqs.length - seqs.length);
  // The list held only the oldest ones and all are read: how many of the rest are is unknown.
  if (seqs.length === 0 && count > 0) return 'unknown';
  return { unreadMentionCount: count, unreadMentionSeqs: seqs };
}

/**
 * A message after the marker was created, edited or deleted: it now does or does not mention the
 * caller. Exact while the list of seqs is complete; when it is not, only a brand-new message
 * (past `lastSeq`) is known not to be in its tail.
 */
export function noteMention(m: Mentions, message: Message, selfId: string, lastSeq: number): MentionUpdate {
  const listed = m.unreadMentionSeqs.includes(message.seq);
  const wanted = mentionsMe(message, selfId);
  const complete = m.unreadMentionSeqs.length === m.unreadMentionCount;
  if (wanted === listed) {
    if (complete || message.seq > lastSeq || message.seq < (m.unreadMentionSeqs.at(-1) ?? 0)) return m;
    return 'unknown';
  }
  if (listed) {
    return {
      unreadMentionCount: m.unreadMentionCount - 1,
      unreadMentionSeqs: m.unreadMentionSeqs.filter((s) => s !== message.seq),
    };
  }
  if (!complete && message.seq <= lastSeq) return 'unknown';
  const seqs = complete
    ? [...m.unreadMentionSeqs, message.seq].sort((a, b) => a - b).slice(0, LIMITS.mentionSeqsMax)
    : m.unreadMentionSeqs;
  return { unreadMentionCount: m.unreadMentionCount + 1, unreadMentionSeqs: seqs };
}

/** Applies a mention update; `unknown` keeps the chat and asks the server again. */
function withMentions(qc: QueryClient, chat: Chat, update: MentionUpdate): Chat {
  if (update === 'unknown') {
    void qc.invalidateQueries({ queryKey: queryKeys.chatList() });
    return chat;
  }
  if (
    update.unreadMentionCount === chat.unreadMentionCount &&
    update.unreadMentionSeqs === chat.unreadMentionSeqs
  )
    return chat;
  return { ...chat, ...update };
}

/**
 * A created or updated message: moves lastSeq/lastMessage, the unread count and the unread
 * mentions. The author's own send moves their read marker to it (the server does the same).
 */
export function applyMessageToChats(qc: QueryClient, message: Message, selfId: string): void {
  updateChat(qc, message.chatId, (chat) => {
    const own = message.author.id === selfId;
    const readSeq = Math.max(readSeqOf(chat), own && message.seq > chat.lastSeq ? message.seq : 0);
    let next = chat;
    if (message.seq > chat.lastSeq || (chat.lastMessage?.seq ?? 0) < message.seq) {
      const lastSeq = Math.max(chat.lastSeq, message.seq);
      next = { ...chat, lastSeq, lastMessage: message, unreadCount: Math.max(0, lastSeq - readSeq) };
    } else if (chat.lastMessage?.seq === message.seq && isNewerVersion(message, chat.lastMessage)) {
      next = { ...chat, lastMessage: message };
    }
    let mentions = readMentions(next, readSeq);
    if (mentions !== 'unknown' && message.seq > readSeq)
      mentions = noteMention(mentions, message, selfId, chat.lastSeq);
    return withMentions(qc, next, mentions);
  });
}

/** The caller's read marker moved (here or in another tab); it only moves forward. */
export function applyReadSeq(qc: QueryClient, chatId: string, seq: number): void {
  updateChat(qc, chatId, (chat) => {
    if (seq <= readSeqOf(chat)) return chat;
    const next = { ...chat, unreadCount: Math.max(0, chat.lastSeq - seq) };
    return withMentions(qc, next, readMentions(next, seq));
  });
}

/** The caller's role in a chat changed (a `member.updated` event about them). */
export function applyRole(qc: QueryClient, chatId: string, role: Chat['role']): void {
  updateChat(qc, chatId, (chat) => (chat.role === role ? chat : { ...chat, role }));
}

/**
 * The chat's title or description changed (`chat.updated`, or a `chat` change from the log):
 * the list's copy and the open chat's detail follow.
 */
export function applyChatInfo(
  qc: QueryClient,
  chatId: string,
  info: Pick<Chat, 'title' | 'description'>,
): void {
  const apply = (chat: Chat) =>
    chat.title === info.title && chat.description === info.description ? chat : { ...chat, ...info };
  updateChat(qc, chatId, apply);
  qc.setQueryData<ChatDetailResponse>(queryKeys.chat(chatId), (detail) =>
    detail ? { ...detail, chat: apply(detail.chat) } : detail,
  );
}

/** The caller (un)muted a chat, here or on another device (`chat.muted`). */
export function applyMuted(qc: QueryClient, chatId: string, muted: boolean): void {
  updateChat(qc, chatId, (chat) => (chat.muted === muted ? chat : { ...chat, muted }));
}

export function upsertChat(qc: QueryClient, chat: Chat): void {
  qc.setQueryData<ChatListResponse>(queryKeys.chatList(), (list) => {
    if (!list) return { chats: [chat] };
    const others = list.chats.filter((c) => c.id !== chat.id);
    return { chats: [chat, ...others] };
  });
}

export function removeChat(qc: QueryClient, chatId: string): void {
  qc.setQueryData<ChatListResponse>(queryKeys.chatList(), (list) =>
    list ? { chats: list.chats.filter((c) => c.id !== chatId) } : list,
  );
  qc.removeQueries({ queryKey: queryKeys.chat(chatId) });
  qc.removeQueries({ queryKey: queryKeys.messages(chatId) });
}

/** Most recent activity first (PROTOCOL.md › Chats › GET /api/chats). */
export function sortChats(chats: readonly Chat[]): Chat[] {
  const activity = (c: Chat) => c.lastMessage?.createdAt ?? c.createdAt;
  return [...chats].sort((a, b) => activity(b).localeCompare(activity(a)));
}

/**
 * A poll of the list must not undo a live update that raced it: per chat, keep whichever copy
 * has seen more of the chat (used as the list query's structuralSharing).
 */
export function reconcileChatLists(
  previous: ChatListResponse | undefined,
  next: ChatListResponse,
): ChatListResponse {
  if (!previous) return next;
  const byId = new Map(previous.chats.map((c) => [c.id, c]));
  return {
    chats: next.chats.map((c) => {
      const old = byId.get(c.id);
      if (!old) return c;
      // A title or description applied live after the poll read the chat stays.
      const info = old.rev > c.rev ? { title: old.title, description: old.description } : {};
      if (old.lastSeq <= c.lastSeq) return old.rev > c.rev ? { ...c, ...info } : c;
      return {
        ...c,
        ...info,
        lastSeq: old.lastSeq,
        lastMessage: old.lastMessage,
        unreadCount: old.unreadCount,
        unreadMentionCount: old.unreadMentionCount,
        unreadMentionSeqs: old.unreadMentionSeqs,
      };
    }),
  };
}
