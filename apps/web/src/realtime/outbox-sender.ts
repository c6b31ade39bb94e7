import type { QueryClient } from '@tanstack/react-query';
import { isApiError } from '../api/http';
import { messagesApi } from '../api/messages.api';
import { applyMessageToChats } from '../state/chats';
import type { PendingMessage } from '../state/merge-messages';
import { mergeIntoChat } from '../state/messages';
import { useOutbox } from '../stores/outbox.store';
import { backoffDelay } from './backoff';
import type { ChatSocket } from './socket';

/** After this many transient failures in a row an entry shows "Not sent" with Retry. */
const MAX_TRANSIENT_FAILURES = 4;

function isTransient(err: unknown): boolean {
  return (
    !isApiError(err) || err.code === 'UNAVAILABLE' || err.code === 'RATE_LIMITED' || err.code === 'INTERNAL'
  );
}

/**
 * Sends the outbox: one message in flight per chat so a user's messages keep their order, each
 * with its own clientId so a resend after a lost ack creates nothing new (PROTOCOL.md ›
 * Messages). Over the socket when it is open, else over HTTP while the browser is online
 * (both reach subscribers alike). The server's refusal makes an entry `failed`.
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
  ) {
    this.unsubscribe = useOutbox.subscribe(() => this.pump());
  }

  stop(): void {
    this.unsubscribe();
    clearTimeout(this.retryTimer);
  }

  /** The connection is back: entries that failed for want of it are queued again. */
  onConnected(): void {
    const outbox = useOutbox.getState();
    for (const e of outbox.entries) {
      if (e.authorId === this.selfId && e.status === 'failed' && e.retryable) {
        this.failures.delete(e.clientId);
        outbox.update(e.clientId, { status: 'queued', error: undefined, retryable: undefined });
      }
    }
    this.pump();
  }

  /** Starts a send for every chat whose oldest queued entry is not already in flight. */
  pump(): void {
    if (!this.socket.isOpen && !navigator.onLine) return;
    const heads = new Map<string, PendingMessage>();
    for (const e of useOutbox.getState().entries) {
      if (e.authorId !== this.selfId || e.status === 'failed' || heads.has(e.chatId)) continue;
      heads.set(e.chatId, e);
    }
    for (const entry of heads.values()) {
      if (!this.inFlight.has(entry.chatId)) void this.send(entry);
    }
  }

  private deliver(entry: PendingMessage) {
    const { chatId, clientId, body, replyToId } = entry;
    const attachmentIds = entry.attachments?.length ? entry.attachments.map((a) => a.id) : undefined;
    const extras = { ...(replyToId ? { replyToId } : {}), ...(attachmentIds ? { attachmentIds } : {}) };
    return this.socket.isOpen
      ? this.socket.request({ type: 'message.send', chatId, clientId, body, ...extras })
      : messagesApi.send(chatId, { clientId, body, ...extras });
  }

  private async send(entry: PendingMessage): Promise<void> {
    const outbox = useOutbox.getState();
    this.inFlight.add(entry.chatId);
    outbox.update(entry.clientId, { status: 'sending', error: undefined });
    let retryScheduled = false;
    try {
      const { message } = await this.deliver(entry);
      mergeIntoChat(this.qc, message.chatId, [message]);
      applyMessageToChats(this.qc, message, this.selfId);
      this.failures.delete(entry.clientId);
      outbox.remove(entry.clientId);
    } catch (err) {
      retryScheduled = this.onFailure(entry, err);
    } finally {
      this.inFlight.delete(entry.chatId);
    }
    if (!retryScheduled) this.pump();
  }

  /** Returns true when a retry timer will pump again. */
  private onFailure(entry: PendingMessage, err: unknown): boolean {
    const outbox = useOutbox.getState();
    if (!isTransient(err)) {
      // The protocol's code, not the server's English: the message row words it in the user's language.
      const error = isApiError(err) ? err.code : 'INTERNAL';
      outbox.update(entry.clientId, { status: 'failed', error });
      return false;
    }
    const count = (this.failures.get(entry.clientId) ?? 0) + 1;
    this.failures.set(entry.clientId, count);
    if (count >= MAX_TRANSIENT_FAILURES) {
      outbox.update(entry.clientId, { status: 'failed', error: 'UNAVAILABLE', retryable: true });
      return false;
    }
    outbox.update(entry.clientId, { status: 'queued' });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.pump(), backoffDelay(count, { baseMs: 1_000, maxMs: 10_000 }));
    return true;
  }
}
