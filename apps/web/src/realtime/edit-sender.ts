import type { QueryClient } from '@tanstack/react-query';
import { isApiError } from '../api/http';
import { messagesApi } from '../api/messages.api';
import { mergeIntoChat } from '../state/messages';
import { type PendingEdit, useEdits } from '../stores/edits.store';
import type { ChatSocket } from './socket';

const isTransient = (err: unknown) =>
  !isApiError(err) || err.code === 'UNAVAILABLE' || err.code === 'RATE_LIMITED' || err.code === 'INTERNAL';

/**
 * Delivers queued edits: over the socket when it is open, else over HTTP while the browser is
 * online. One that fails for want of a connection waits for the next `onConnected`; one the
 * server refuses becomes `failed` with the protocol's code, its text kept for the user.
 */
export class EditSender {
  private inFlight = new Set<string>();
  /** Failed for want of a connection: not retried until it returns (no busy loop). */
  private parked = new Set<string>();
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
  }

  onConnected(): void {
    this.parked.clear();
    this.pump();
  }

  pump(): void {
    if (!this.socket.isOpen && !navigator.onLine) return;
    for (const e of Object.values(useEdits.getState().edits)) {
      if (e.authorId !== this.selfId || e.status !== 'queued') continue;
      if (this.inFlight.has(e.messageId) || this.parked.has(e.messageId)) continue;
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
      // Typed again while this one was in flight: the newer text goes next.
      if (useEdits.getState().edits[messageId]?.body === body) useEdits.getState().remove(messageId);
      else useEdits.getState().update(messageId, { status: 'queued' });
    } catch (err) {
      if (isTransient(err)) {
        this.parked.add(messageId);
        useEdits.getState().update(messageId, { status: 'queued' });
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
