import type { ChatListResponse } from '@chatsockets/protocol';
import type { QueryClient } from '@tanstack/react-query';
import { isApiError } from '../api/http';
import { findChat, removeChat } from '../state/chats';
import { setPresence } from '../state/presence';
import { queryKeys } from '../state/query-keys';
import { markRemoved } from '../state/removed';
import { setTyping } from '../state/typing';
import { type BackoffOptions, backoffDelay } from './backoff';
import type { RevCursors } from './rev-cursors';
import type { ChatSocket } from './socket';

/**
 * Keeps one socket subscription per chat in the caller's list. After every (re)connect it
 * re-subscribes with afterRev = the rev it holds, applies every change made meanwhile (edits,
 * deletes, members, roles, not only new messages), and pages the rest over HTTP
 * (docs/PROTOCOL.md › Change cursor).
 */
/**
 * A subscribe over the socket's frame budget is tried again after this. A user in more chats than
 * one burst of subscribes admits (PROTOCOL.md › Frame budget) gets the rest through as the budget
 * refills; before, they were tried again only when the chat list next changed, and a chat refused
 * twice stayed silent until the list's 60 s poll.
 */
const RATE_LIMITED_RETRY: BackoffOptions = { baseMs: 500, maxMs: 5_000 };

export class ChatSync {
  private subscribed = new Set<string>();
  /** Chats the server refused; not retried until the next connection, so a stale list cannot loop. */
  private refused = new Set<string>();
  /** Bumped at every (re)connect: a retry waiting from an earlier connection gives up. */
  private connection = 0;

  constructor(
    private readonly socket: ChatSocket,
    private readonly qc: QueryClient,
    private readonly cursors: RevCursors,
  ) {}

  /** Subscribes to every chat of the list; resolves when all are caught up. */
  async resubscribeAll(): Promise<void> {
    this.connection++;
    this.subscribed.clear();
    this.refused.clear();
    await Promise.all(this.listIds().map((id) => this.subscribe(id)));
  }

  /** The chat list changed: subscribe to new chats, drop the ones we left. */
  sync(): void {
    if (!this.socket.isOpen) return;
    const ids = new Set(this.listIds());
    // A refused chat that left the list may come back (added again): then it is tried afresh.
    for (const id of this.refused) if (!ids.has(id)) this.refused.delete(id);
    for (const id of ids) if (!this.subscribed.has(id) && !this.refused.has(id)) void this.subscribe(id);
    for (const id of this.subscribed) {
      if (ids.has(id)) continue;
      this.subscribed.delete(id);
      this.socket.request({ type: 'unsubscribe', chatId: id }).catch(() => {});
    }
  }

  private listIds(): string[] {
    return this.qc.getQueryData<ChatListResponse>(queryKeys.chatList())?.chats.map((c) => c.id) ?? [];
  }

  /**
   * The rev held, or for a chat first seen the list's rev: what the cache loads of it later
   * is newer than that, and changes applied twice are harmless (each entity keeps its newest).
   */
  private afterRevFor(chatId: string): number {
    return this.cursors.get(chatId) ?? findChat(this.qc, chatId)?.rev ?? 0;
  }

  /**
   * The subscribe, tried again while the frame budget refuses it; `undefined` once it is no longer
   * wanted (a new connection subscribes afresh, the chat left the list, the socket closed).
   */
  private async request(chatId: string) {
    const connection = this.connection;
    for (let attempt = 0; ; attempt++) {
      const afterRev = this.afterRevFor(chatId);
      try {
        return { afterRev, reply: await this.socket.request({ type: 'subscribe', chatId, afterRev }) };
      } catch (err) {
        if (!isApiError(err, 'RATE_LIMITED')) throw err;
        await new Promise((r) => setTimeout(r, backoffDelay(attempt, RATE_LIMITED_RETRY)));
        if (connection !== this.connection || !this.subscribed.has(chatId) || !this.socket.isOpen) {
          return undefined;
        }
      }
    }
  }

  private async subscribe(chatId: string): Promise<void> {
    this.subscribed.add(chatId);
    try {
      const answered = await this.request(chatId);
      if (!answered) return;
      const { afterRev, reply } = answered;
      setPresence(Object.fromEntries(reply.online.map((u) => [u.id, true])));
      for (const user of reply.typing) setTyping(chatId, user);
      for (const change of reply.changes) this.cursors.apply(chatId, change);
      if (!findChat(this.qc, chatId)) return; // the changes said we left it
      // With more to page, the cursor stands at the last change applied, and the fill goes on from there.
      this.cursors.advance(chatId, reply.hasMore ? (reply.changes.at(-1)?.rev ?? afterRev) : reply.rev);
      if (reply.hasMore) await this.cursors.fill(chatId);
    } catch (err) {
      this.subscribed.delete(chatId);
      // Removed from the chat, or it is gone. The `member.left` or `chat.deleted` that says so
      // reached no socket while this client was away, so the refusal is the news: it is applied
      // as those events are. Only refetching the list dropped the chat from it, but the open
      // chat kept showing from its cached detail, with a composer whose sends could only fail.
      const deleted = isApiError(err, 'NOT_FOUND');
      if (deleted || isApiError(err, 'FORBIDDEN')) {
        this.refused.add(chatId);
        this.cursors.forget(chatId);
        // Which it was (removed, or left in another tab) the refusal does not say.
        markRemoved(chatId, deleted ? 'deleted' : 'gone');
        removeChat(this.qc, chatId);
        await this.qc.invalidateQueries({ queryKey: queryKeys.chatList() });
      }
    }
  }
}
