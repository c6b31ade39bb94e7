import type { Message } from '@chatsockets/protocol';
import type { QueryClient } from '@tanstack/react-query';
import { isApiError } from '../api/http';
import { applyMessageToChats } from '../features/chats/chats-cache';
import type { PendingMessage } from '../features/messages/merge-messages';
import { mergeIntoChat } from '../features/messages/messages-cache';
import { useOutbox } from '../stores/outbox.store';
import type { ChatSocket } from './socket';

const RETRY_MS = 2_000;
const MAX_TRANSIENT_FAILURES = 3;

/**
 * Sends the outbox over the socket: one message in flight per chat so a user's messages keep
 * their order, each with its own clientId so a resend after a lost ack creates nothing new.
 * Queued entries wait for the connection; the server's refusal makes an entry `failed`.
 */
export class OutboxSender {
  private inFlight = new Set<string>();
  private failures = new Map<string, number>();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private unsubscribe: () => void;

  constructor(
    private readonly socket: ChatSocket,
    private readonly qc: QueryClient,
    private readonly selfId: string,
    private readonly onSent: (message: Message) => void,
  ) {
    this.unsubscribe = useOutbox.subscribe(() => this.pump());
  }

  stop(): void {
    this.unsubscribe();
    clearTimeout(this.retryTimer);
  }

  /** Starts a send for every chat that has a queued entry and nothing in flight. */
  pump(): void {
    if (!this.socket.isOpen) return;
    const heads = new Map<string, PendingMessage>();
    for (const e of useOutbox.getState().entries) {
      if (e.authorId !== this.selfId || heads.has(e.chatId)) continue;
      if (e.status === 'failed') continue;
      heads.set(e.chatId, e);
    }
    for (const entry of heads.values()) {
      if (!this.inFlight.has(entry.chatId)) void this.send(entry);
    }
  }

  private async send(entry: PendingMessage): Promise<void> {
    const outbox = useOutbox.getState();
    this.inFlight.add(entry.chatId);
    outbox.update(entry.clientId, { status: 'sending', error: undefined });
    let retryLater = false;
    try {
      const { message } = await this.socket.request({
        type: 'message.send',
        chatId: entry.chatId,
        clientId: entry.clientId,
        body: entry.body,
      });
      mergeIntoChat(this.qc, message.chatId, [message]);
      applyMessageToChats(this.qc, message);
      this.failures.delete(entry.clientId);
      outbox.remove(entry.clientId);
      this.onSent(message);
    } catch (err) {
      retryLater = this.onFailure(entry, err);
    } finally {
      this.inFlight.delete(entry.chatId);
    }
    if (!retryLater) this.pump();
  }

  /** Returns true when a retry timer will pump again. */
  private onFailure(entry: PendingMessage, err: unknown): boolean {
    const outbox = useOutbox.getState();
    const transient = isApiError(err, 'UNAVAILABLE') || isApiError(err, 'RATE_LIMITED') || !isApiError(err);
    if (!transient) {
      const error = err instanceof Error ? err.message : 'The server refused this message';
      outbox.update(entry.clientId, { status: 'failed', error });
      return false;
    }
    const count = (this.failures.get(entry.clientId) ?? 0) + 1;
    this.failures.set(entry.clientId, count);
    // Lost connection: queued again, sent when the socket is back. Timeouts on a live socket
    // are retried a few times before the user is asked.
    if (this.socket.isOpen && count >= MAX_TRANSIENT_FAILURES) {
      outbox.update(entry.clientId, { status: 'failed', error: 'Could not send. Check your connection.' });
      return false;
    }
    outbox.update(entry.clientId, { status: 'queued' });
    if (!this.socket.isOpen) return false;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.pump(), RETRY_MS);
    return true;
  }
}
