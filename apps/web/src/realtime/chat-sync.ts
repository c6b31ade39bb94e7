import type { ChatListResponse } from '@chatsockets/protocol';
import type { QueryClient } from '@tanstack/react-query';
import { isApiError } from '../api/http';
import { queryKeys } from '../api/query-keys';
import { applyMessageToChats, findChat } from '../features/chats/chats-cache';
import { setPresence } from '../features/chats/presence-cache';
import { highestSeq } from '../features/messages/merge-messages';
import { getChatMessages, mergeIntoChat } from '../features/messages/messages-cache';
import { setTyping } from '../features/messages/typing-cache';
import { catchUp } from './catch-up';
import type { ChatSocket } from './socket';

/**
 * Keeps one socket subscription per chat in the caller's list. After every (re)connect it
 * re-subscribes with afterSeq = the highest seq held, merges `missed`, and fetches the rest
 * over HTTP (PROTOCOL.md › Delivery).
 */
export class ChatSync {
  private subscribed = new Set<string>();
  /** Chats the server refused; not retried until the next connection, so a stale list cannot loop. */
  private refused = new Set<string>();

  constructor(
    private readonly socket: ChatSocket,
    private readonly qc: QueryClient,
    private readonly selfId: string,
  ) {}

  /** Subscribes to every chat of the list; resolves when all are caught up. */
  async resubscribeAll(): Promise<void> {
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

  private afterSeqFor(chatId: string): number {
    const held = getChatMessages(this.qc, chatId)?.messages;
    if (held && held.length > 0) return highestSeq(held);
    return findChat(this.qc, chatId)?.lastSeq ?? 0;
  }

  private async subscribe(chatId: string): Promise<void> {
    this.subscribed.add(chatId);
    try {
      const reply = await this.socket.request({
        type: 'subscribe',
        chatId,
        afterSeq: this.afterSeqFor(chatId),
      });
      setPresence(this.qc, Object.fromEntries(reply.online.map((u) => [u.id, true])));
      for (const user of reply.typing) setTyping(this.qc, chatId, user);
      const loaded = mergeIntoChat(this.qc, chatId, reply.missed);
      for (const m of reply.missed) applyMessageToChats(this.qc, m, this.selfId);
      if (reply.hasMore && !loaded) await this.qc.invalidateQueries({ queryKey: queryKeys.chatList() });
      if (loaded) await catchUp(this.qc, chatId, { tail: reply.hasMore });
    } catch (err) {
      this.subscribed.delete(chatId);
      // Removed from the chat, or it is gone: the list will say so.
      if (isApiError(err, 'FORBIDDEN') || isApiError(err, 'NOT_FOUND')) {
        this.refused.add(chatId);
        await this.qc.invalidateQueries({ queryKey: queryKeys.chatList() });
      }
    }
  }
}
