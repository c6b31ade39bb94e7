import type { User } from '@chatsockets/protocol';
import { type MouseEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TimelineItem } from '../../state/merge-messages';
import { type PendingEdit, useEdits } from '../../stores/edits.store';
import { formatFull, formatTime } from '../../ui/format-time';
import { MessageActions } from './MessageActions';
import { MessageBody } from './MessageBody';
import { MessageEditor } from './MessageEditor';
import { MessageStatus } from './MessageStatus';
import { type MessageView, toMessageView } from './message-view';

export interface MessageItemProps {
  chatId: string;
  item: TimelineItem;
  self: User;
  showHeader: boolean;
  /** May delete anyone's message (the chat's `delete-any` capability). */
  canModerate: boolean;
  /** May edit their own messages (`edit-own`). */
  canEdit: boolean;
  /** The user's latest confirmed message shows who has seen it. */
  showSeenBy: boolean;
}

function className(v: MessageView): string {
  const mods = [
    // A deleted message looks the same to its author as to everyone else (#19 bug 7).
    v.mine && !v.deleted && 'mine',
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
export function MessageItem({
  chatId,
  item,
  self,
  showHeader,
  canModerate,
  canEdit,
  showSeenBy,
}: MessageItemProps) {
  const v = toMessageView(item, self);
  const [editing, setEditing] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const { t } = useTranslation('messages');
  const message = item.kind === 'confirmed' ? item.message : null;
  // An edit not yet confirmed shows its text now (a deleted message has nothing left to edit).
  const edit = useEdits((s) => (message && !v.deleted ? s.edits[message.id] : undefined));
  const staleEdit = useEdits((s) => v.deleted && message !== null && message.id in s.edits);
  useEffect(() => {
    // Deleted while an edit waited: nothing is left to edit, so the queue lets it go.
    if (staleEdit && message) useEdits.getState().remove(message.id);
  }, [staleEdit, message]);
  const canDelete = message !== null && !v.deleted && (v.mine || canModerate);
  // A tap on the message opens its menu where the buttons are folded away (narrow screens);
  // a long-press does too, instead of the browser's own menu. Links and selections keep theirs.
  const narrow = () => window.matchMedia?.('(max-width: 720px)').matches ?? false;
  const onTap = (e: MouseEvent) => {
    if (!canDelete || !narrow() || (e.target as Element).closest('a, button')) return;
    if (window.getSelection()?.toString()) return;
    setMenuOpen((open) => !open);
  };
  const onLongPress = (e: MouseEvent) => {
    if (!canDelete || !narrow() || (e.target as Element).closest('a')) return;
    e.preventDefault();
    setMenuOpen(true);
  };
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
          authorId={message.author.id}
          body={edit?.body ?? message.body}
          onDone={() => setEditing(false)}
        />
      ) : (
        // biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/noStaticElementInteractions: a pointer shortcut; the "⋯" button is the keyboard's way to the same menu
        <div className="message__bubble" onClick={onTap} onContextMenu={onLongPress}>
          {v.deleted ? (
            <span className="message__body">{t('deleted')}</span>
          ) : (
            <MessageBody body={edit?.body ?? v.body} />
          )}
        </div>
      )}
      {edit && <EditStatus messageId={edit.messageId} status={edit.status} error={edit.error} />}
      <MessageStatus chatId={chatId} item={item} view={v} showSeenBy={showSeenBy} />
      {canDelete && !editing && (
        <MessageActions
          chatId={chatId}
          message={message}
          canEdit={v.mine && canEdit}
          onEdit={() => setEditing(true)}
          menuOpen={menuOpen}
          onMenu={setMenuOpen}
        />
      )}
    </article>
  );
}

/** Where an edit stands until the server has it: waiting, saving, or refused with Retry and Discard. */
function EditStatus(props: {
  messageId: string;
  status: PendingEdit['status'];
  error?: PendingEdit['error'];
}) {
  const { t } = useTranslation('messages');
  const edits = useEdits.getState();
  if (props.status !== 'failed') {
    return (
      <div className="message__status" data-testid="edit-status">
        {props.status === 'queued' ? t('editQueued') : t('editSending')}
      </div>
    );
  }
  return (
    <div className="message__status" role="alert" data-testid="edit-status">
      <span>{t('editFailed', { error: t([`errors:code.${props.error}`, 'errors:code.INTERNAL']) })}</span>
      <button
        type="button"
        className="link"
        onClick={() => edits.update(props.messageId, { status: 'queued' })}
      >
        {t('retry')}
      </button>
      <button type="button" className="link" onClick={() => edits.remove(props.messageId)}>
        {t('discard')}
      </button>
    </div>
  );
}
