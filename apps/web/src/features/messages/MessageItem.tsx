import type { User } from '@chatsockets/protocol';
import { useState } from 'react';
import { formatFull, formatTime } from '../../ui/format-time';
import { MessageBody } from './MessageBody';
import { MessageEditor } from './MessageEditor';
import type { TimelineItem } from './merge-messages';
import { type MessageView, toMessageView } from './message-view';
import { SeenBy } from './SeenBy';
import { discardPending, retryPending, useDeleteMessage } from './use-message-actions';

export interface MessageItemProps {
  chatId: string;
  item: TimelineItem;
  self: User;
  showHeader: boolean;
  /** Owner or admin: may delete anyone's message. */
  canModerate: boolean;
  /** The user's latest confirmed message shows who has seen it. */
  showSeenBy: boolean;
}

const STATUS_TEXT = { queued: 'Waiting for connection…', sending: 'Sending…', failed: 'Not sent', sent: '' };

function className(v: MessageView): string {
  const mods = [
    v.mine && 'mine',
    v.deleted && 'deleted',
    v.status !== 'sent' && 'pending',
    v.status === 'failed' && 'failed',
  ];
  return ['message', ...mods.filter(Boolean).map((m) => `message--${m}`)].join(' ');
}

/**
 * The one component that renders a message, from any source and in any state (ARCHITECTURE ›
 * Conventions 8): history, catch-up, live, and the sender's pending, sending or failed copy.
 */
export function MessageItem({ chatId, item, self, showHeader, canModerate, showSeenBy }: MessageItemProps) {
  const v = toMessageView(item, self);
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const remove = useDeleteMessage(chatId);
  const message = item.kind === 'confirmed' ? item.message : null;
  const canEdit = message !== null && v.mine && !v.deleted;
  const canDelete = message !== null && !v.deleted && (v.mine || canModerate);

  return (
    <article
      className={className(v)}
      data-testid="message"
      data-seq={v.seq ?? undefined}
      data-status={v.status}
    >
      {showHeader && (
        <header className="message__meta">
          <span className="message__author">{v.author}</span>
          <time className="message__time" dateTime={v.createdAt} title={formatFull(v.createdAt)}>
            {formatTime(v.createdAt)}
          </time>
        </header>
      )}
      {editing && message ? (
        <MessageEditor
          chatId={chatId}
          messageId={message.id}
          body={message.body}
          onDone={() => setEditing(false)}
        />
      ) : (
        <div className="message__bubble">
          {v.deleted ? (
            <span className="message__body">This message was deleted</span>
          ) : (
            <MessageBody body={v.body} />
          )}
        </div>
      )}
      {(v.edited || v.status !== 'sent' || (showSeenBy && message)) && (
        <div className="message__status" role={v.status === 'failed' ? 'alert' : undefined}>
          {v.edited && <span>edited</span>}
          {v.status !== 'sent' && (
            <span>{v.error ? `${STATUS_TEXT[v.status]}: ${v.error}` : STATUS_TEXT[v.status]}</span>
          )}
          {v.status === 'failed' && item.kind === 'pending' && (
            <>
              <button type="button" className="link" onClick={() => retryPending(item.pending.clientId)}>
                Retry
              </button>
              <button type="button" className="link" onClick={() => discardPending(item.pending.clientId)}>
                Discard
              </button>
            </>
          )}
          {showSeenBy && message && <SeenBy chatId={chatId} messageId={message.id} />}
        </div>
      )}
      {(canEdit || canDelete) && !editing && (
        <div className="message__actions">
          {confirmDelete && message ? (
            <>
              <button
                type="button"
                className="button button--small button--danger"
                disabled={remove.isPending}
                onClick={() => remove.mutate(message, { onSettled: () => setConfirmDelete(false) })}
              >
                Delete
              </button>
              <button type="button" className="button button--small" onClick={() => setConfirmDelete(false)}>
                Keep
              </button>
            </>
          ) : (
            <>
              {canEdit && (
                <button
                  type="button"
                  className="icon-button"
                  aria-label="Edit message"
                  onClick={() => setEditing(true)}
                >
                  Edit
                </button>
              )}
              {canDelete && (
                <button
                  type="button"
                  className="icon-button"
                  aria-label="Delete message"
                  onClick={() => setConfirmDelete(true)}
                >
                  Delete
                </button>
              )}
            </>
          )}
        </div>
      )}
    </article>
  );
}
