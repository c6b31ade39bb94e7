import {
  type Chat,
  type ChatDetailResponse,
  type ChatListResponse,
  LIMITS,
  MENTION_ALL,
  type Message,
} from '@chatsockets/protocol';
import type { QueryClient } from '@tanstack/react-query';
import { chatsApi } from '../api/chats.api';
import { isNewerVersion } from './merge-messages';
import { queryKeys } from './query-keys';

// Live updates to the chat list (PROTOCOL.md › Chats: `unreadCount` and `lastMessage`): unread
// are the messages after the read marker that are not deleted, the preview is the newest message
// not deleted. What this client cannot tell from the events (a delete of a message that may be
// unread or is the preview, a jump over messages it has not seen) it asks the server: it re-reads
// that one chat (refreshChat), meanwhile keeping a count that is never below the server's.

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
 * mentions. The author's own send moves their read marker to it (the server does the same), so
 * their own messages are never unread. A deleted message is not unread and not the preview.
 */
export function applyMessageToChats(qc: QueryClient, message: Message, selfId: string): void {
  let ask = false;
  updateChat(qc, message.chatId, (chat) => {
    const own = message.author.id === selfId;
    const deleted = message.deletedAt !== null;
    const fresh = message.seq > chat.lastSeq;
    const readSeq = own && fresh ? message.seq : chat.readSeq;
    let next = chat;
    if (fresh) {
      // Seqs have no gaps: a jump passed messages this client has not seen, counted as unread
      // (and the preview kept) until the server says which of them were deleted.
      const skipped = message.seq - chat.lastSeq - 1;
      if (skipped > 0 && (!own || deleted)) ask = true;
      const unreadCount = own ? 0 : chat.unreadCount + skipped + (deleted ? 0 : 1);
      next = {
        ...chat,
        lastSeq: message.seq,
        unreadCount,
        readSeq,
        lastActivityAt: later(chat.lastActivityAt, message.createdAt),
        lastMessage: deleted ? chat.lastMessage : message,
      };
    } else if (!deleted && (chat.lastMessage?.seq ?? 0) < message.seq) {
      // One of the messages a jump passed: the preview (it was counted already).
      next = { ...chat, lastMessage: message };
    } else if (chat.lastMessage?.seq === message.seq && isNewerVersion(message, chat.lastMessage)) {
      next = { ...chat, lastMessage: message };
      // The preview was deleted: the one before it comes from the server.
      if (deleted && chat.lastMessage.deletedAt === null) ask = true;
    }
    // Someone else's message deleted while some are unread: it may have been one of them. (The
    // caller's own are behind their marker, and with none unread there is nothing to take back.)
    if (!fresh && deleted && !own && chat.unreadCount > 0) ask = true;
    let mentions: MentionUpdate = own && fresh ? readMentions(next, readSeq) : next;
    if (mentions !== 'unknown' && (message.seq > readSeq || next.unreadMentionSeqs.includes(message.seq)))
      mentions = noteMention(mentions, message, selfId, chat.lastSeq);
    return withMentions(qc, next, mentions);
  });
  if (ask) refreshChat(qc, message.chatId);
}

/**
 * The caller's read marker moved (here or in another tab); it only moves forward. Read to the
 * end, nothing is unread; read part of the way, the count is exact when no message after the
 * marker is deleted, else the server's answer settles it.
 */
export function applyReadSeq(qc: QueryClient, chatId: string, seq: number): void {
  let ask = false;
  updateChat(qc, chatId, (chat) => {
    if (seq <= chat.readSeq) return chat;
    const unreadCount = Math.min(chat.unreadCount, Math.max(0, chat.lastSeq - seq));
    ask = unreadCount > 0 && seq < chat.lastSeq && deletedAfter(qc, chat, seq);
    const next = { ...chat, unreadCount, readSeq: seq };
    return withMentions(qc, next, readMentions(next, seq));
  });
  if (ask) refreshChat(qc, chatId);
}

/** Whether a message after `seq` may be deleted: the loaded messages say so, or do not reach. */
function deletedAfter(qc: QueryClient, chat: Chat, seq: number): boolean {
  const held = qc.getQueryData<{ messages: Message[] }>(queryKeys.messages(chat.id))?.messages ?? [];
  const after = held.filter((m) => m.seq > seq && m.seq <= chat.lastSeq);
  if (after.length < chat.lastSeq - seq) return true;
  return after.some((m) => m.deletedAt !== null);
}

const refreshing = new WeakMap<QueryClient, Map<string, { again: boolean }>>();

/**
 * Re-reads one chat (`GET /api/chats/:chatId`) for its unread count, preview and mentions: one
 * request at a time per chat, and once more if asked again meanwhile. A copy older than what the
 * events have brought since (a lower lastSeq) is not applied: the chat is read again (a few times).
 */
export function refreshChat(qc: QueryClient, chatId: string, tries = 3): void {
  const inFlight = refreshing.get(qc) ?? new Map<string, { again: boolean }>();
  refreshing.set(qc, inFlight);
  const running = inFlight.get(chatId);
  if (running) {
    running.again = true;
    return;
  }
  const state = { again: false };
  inFlight.set(chatId, state);
  void chatsApi
    .detail(chatId)
    .then(({ chat: fresh }) => {
      updateChat(qc, chatId, (chat) => {
        if (fresh.lastSeq < chat.lastSeq) {
          state.again = true;
          return chat;
        }
        // Same lastSeq: the count only goes down (reads, deletes), and ours is never too low,
        // so the lower is the newer (a read of ours the server had not applied yet).
        const unreadCount =
          fresh.lastSeq === chat.lastSeq ? Math.min(fresh.unreadCount, chat.unreadCount) : fresh.unreadCount;
        return {
          ...chat,
          lastSeq: fresh.lastSeq,
          lastMessage: fresh.lastMessage,
          lastActivityAt: later(chat.lastActivityAt, fresh.lastActivityAt),
          readSeq: Math.max(chat.readSeq, fresh.readSeq),
          unreadCount,
          unreadMentionCount: fresh.unreadMentionCount,
          unreadMentionSeqs: fresh.unreadMentionSeqs,
        };
      });
    })
    .catch(() => {
      // Gone, forbidden or offline: membership events and the list's poll deal with it.
      state.again = false;
    })
    .finally(() => {
      inFlight.delete(chatId);
      // Bounded: a server that keeps answering behind the events is left to the list's poll.
      if (state.again && tries > 1) refreshChat(qc, chatId, tries - 1);
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

/** Most recent activity first, as the server orders them (PROTOCOL.md › Chats › GET /api/chats). */
export function sortChats(chats: readonly Chat[]): Chat[] {
  return [...chats].sort(
    (a, b) => Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt) || (b.id < a.id ? -1 : 1),
  );
}

/** The later of two ISO times (their offsets may differ, so compared as instants). */
const later = (a: string, b: string) => (Date.parse(b) > Date.parse(a) ? b : a);

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
        lastActivityAt: later(c.lastActivityAt, old.lastActivityAt),
        readSeq: Math.max(c.readSeq, old.readSeq),
        unreadCount: old.unreadCount,
        unreadMentionCount: old.unreadMentionCount,
        unreadMentionSeqs: old.unreadMentionSeqs,
      };
    }),
  };
}
