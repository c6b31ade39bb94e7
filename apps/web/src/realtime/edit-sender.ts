import type { QueryClient } from '@tanstack/react-query';
import { isApiError } from '../api/http';
import { messagesApi } from '../api/messages.api';
import { mergeIntoChat } from '../state/messages';
import { type PendingEdit, useEdits } from '../stores/edits.store';
import { backoffDelay } from './backoff';
import type { ChatSocket } from './socket';

/** After this many passing failures in a row while connected, an edit shows "Not saved" with Retry. */
const MAX_TRANSIENT_FAILURES = 4;

const isTransient = (err: unknown) =>
  !isApiError(err) || err.code === 'UNAVAILABLE' || err.code === 'RATE_LIMITED' || err.code === 'INTERNAL';

/**
 * Delivers queued edits: over the socket when it is open, else over HTTP while the browser is
 * online. One that fails for want of a connection waits for the next `onConnected`; one that
 * fails for a passing reason while the connection stays up (rate limit, server error, no answer
 * in time) is tried again after a backoff, and after a few such tries becomes `failed` with Retry:
 * parked, it waited for a reconnect that a healthy connection never makes, "queued" for ever.
 * One the server refuses becomes `failed` with the protocol's code, its text kept for the user.
 */
export class EditSender {
  private inFlight = new Set<string>();
  /** Failed for want of a connection: not retried until it returns (no busy loop). */
  private parked = new Set<string>();
  /** Waiting out a backoff after a passing failure while connected; its timer pumps again. */
  private cooling = new Map<string, ReturnType<typeof setTimeout>>();
  private failures = new Map<string, number>();
  private unsubscribe: () => void;

  constructor(
    private readonly socket: ChatSocket,
    private readonly qc: QueryClient,
    private readonly selfId: string,
  ) {
    this.unsubscribe = useEdits.subscribe(() => this.pump());
  }

  stop(): void {
    this.unsubscribe();
    for (const timer of this.cooling.values()) clearTimeout(timer);
    this.cooling.clear();
  }

  onConnected(): void {
    this.parked.clear();
    for (const timer of this.cooling.values()) clearTimeout(timer);
    this.cooling.clear();
    this.failures.clear();
    this.pump();
  }

  pump(): void {
    if (!this.socket.isOpen && !navigator.onLine) return;
    for (const e of Object.values(useEdits.getState().edits)) {
      if (e.authorId !== this.selfId || e.status !== 'queued') continue;
      if (this.inFlight.has(e.messageId) || this.parked.has(e.messageId) || this.cooling.has(e.messageId))
        continue;
      void this.send(e);
    }
  }

  private async send(edit: PendingEdit): Promise<void> {
    const { messageId, chatId, body } = edit;
    this.inFlight.add(messageId);
    const edits = useEdits.getState();
    edits.update(messageId, { status: 'sending' });
    try {
      const { message } = this.socket.isOpen
        ? await this.socket.request({ type: 'message.edit', messageId, body })
        : await messagesApi.edit(chatId, messageId, body);
      mergeIntoChat(this.qc, chatId, [message]);
      this.failures.delete(messageId);
      // Typed again while this one was in flight: the newer text goes next.
      if (useEdits.getState().edits[messageId]?.body === body) useEdits.getState().remove(messageId);
      else useEdits.getState().update(messageId, { status: 'queued' });
    } catch (err) {
      if (isTransient(err) && !this.socket.isOpen) {
        // The connection went: onConnected sends it again.
        this.parked.add(messageId);
        useEdits.getState().update(messageId, { status: 'queued' });
      } else if (isTransient(err)) {
        const count = (this.failures.get(messageId) ?? 0) + 1;
        this.failures.set(messageId, count);
        if (count >= MAX_TRANSIENT_FAILURES) {
          this.failures.delete(messageId);
          useEdits
            .getState()
            .update(messageId, { status: 'failed', error: isApiError(err) ? err.code : 'INTERNAL' });
        } else {
          const retry = () => {
            this.cooling.delete(messageId);
            this.pump();
          };
          this.cooling.set(
            messageId,
            setTimeout(retry, backoffDelay(count, { baseMs: 1_000, maxMs: 10_000 })),
          );
          useEdits.getState().update(messageId, { status: 'queued' });
        }
      } else {
        useEdits
          .getState()
          .update(messageId, { status: 'failed', error: isApiError(err) ? err.code : 'INTERNAL' });
      }
    } finally {
      this.inFlight.delete(messageId);
    }
  }
}
