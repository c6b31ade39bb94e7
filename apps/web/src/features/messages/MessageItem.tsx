import type { Snippet, User } from '@chatsockets/protocol';
import { type MouseEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { mentionsMe } from '../../state/chats';
import type { TimelineItem } from '../../state/merge-messages';
import { type PendingEdit, useEdits } from '../../stores/edits.store';
import { useUi } from '../../stores/ui.store';
import { formatFull, formatTime } from '../../ui/format-time';
import { MessageText, useMentionNames } from '../../ui/MessageText';
import { mentionLabel, splitMentions } from '../../ui/markdown';
import { AuthorName } from './AuthorName';
import { AttachmentList } from './files/AttachmentList';
import { MessageActions } from './MessageActions';
import { MessageEditor } from './MessageEditor';
import { MessageStatus } from './MessageStatus';
import { MessageToolbar } from './MessageToolbar';
import { type MessageView, toMessageView } from './message-view';
import { Reactions } from './Reactions';
import { ReplyQuote } from './ReplyQuote';

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
  /** May post (so reply), react, pin: the chat's `post`, `react`, `pin` capabilities. */
  canReply?: boolean;
  canReact?: boolean;
  canPin?: boolean;
  /** Search: the matched words marked in a snippet, shown instead of the whole body. */
  snippet?: Snippet;
  /** Shown elsewhere (search results): no actions, no delivery status. */
  readOnly?: boolean;
}

function className(v: MessageView, mentioned: boolean): string {
  const mods = [
    // Mentions the reader (or everyone): it stands out.
    mentioned && 'mentions-me',
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
  canReply = false,
  canReact = false,
  canPin = false,
  snippet,
  readOnly,
}: MessageItemProps) {
  const v = toMessageView(item, self);
  const names = useMentionNames();
  // A search snippet is the body's text as stored: its mentions are `<@id>` tokens, shown by name.
  const snippetText = (text: string) =>
    splitMentions(text)
      .map((p) => (p.kind === 'text' ? p.text : mentionLabel(p.id, names.nameOf, names.unknown)))
      .join('');
  const [menuOpen, setMenuOpen] = useState(false);
  const { t } = useTranslation('messages');
  const message = item.kind === 'confirmed' ? item.message : null;
  // In the ui store, so ↑ in the composer can open it too (one message at a time).
  const editing = useUi((s) => message !== null && s.editing?.messageId === message.id);
  const setEditing = (on: boolean) =>
    useUi.getState().setEditing(on && message ? { chatId, messageId: message.id } : null);
  // An edit not yet confirmed shows its text now (a deleted message has nothing left to edit).
  const edit = useEdits((s) => (message && !v.deleted ? s.edits[message.id] : undefined));
  const staleEdit = useEdits((s) => v.deleted && message !== null && message.id in s.edits);
  useEffect(() => {
    // Deleted while an edit waited: nothing is left to edit, so the queue lets it go.
    if (staleEdit && message) useEdits.getState().remove(message.id);
  }, [staleEdit, message]);
  const canDelete = message !== null && !v.deleted && (v.mine || canModerate);
  // Where the buttons are folded away (narrow screens) a tap shows them: reply and react are
  // for every live message, edit and delete for what the caller may change.
  const hasMenu = message !== null && !v.deleted && !readOnly;
  // A tap on the message opens its menu where the buttons are folded away (narrow screens);
  // a long-press does too, instead of the browser's own menu. Links and selections keep theirs.
  const narrow = () => window.matchMedia?.('(max-width: 720px)').matches ?? false;
  const onTap = (e: MouseEvent) => {
    if (!hasMenu || !narrow() || (e.target as Element).closest('a, button')) return;
    if (window.getSelection()?.toString()) return;
    setMenuOpen((open) => !open);
  };
  const onLongPress = (e: MouseEvent) => {
    if (!hasMenu || !narrow() || (e.target as Element).closest('a')) return;
    e.preventDefault();
    setMenuOpen(true);
  };
  return (
    <article
      className={`${className(v, message !== null && mentionsMe(message, self.id))}${menuOpen ? ' message--menu-open' : ''}`}
      data-testid="message"
      data-seq={v.seq ?? undefined}
      data-status={v.status}
    >
      {showHeader && (
        <header className="message__meta">
          <AuthorName chatId={chatId} authorId={message?.author.id ?? self.id} username={v.author} />
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
          {message?.replyTo && <ReplyQuote chatId={chatId} replyTo={message.replyTo} />}
          {v.deleted ? (
            <span className="message__body">{t('deleted')}</span>
          ) : snippet ? (
            <span className="message__body message__snippet" data-testid="snippet">
              {snippet.map((s, i) =>
                s.hit ? (
                  // biome-ignore lint/suspicious/noArrayIndexKey: segments never reorder
                  <mark key={i}>{snippetText(s.text)}</mark>
                ) : (
                  // biome-ignore lint/suspicious/noArrayIndexKey: segments never reorder
                  <span key={i}>{snippetText(s.text)}</span>
                ),
              )}
            </span>
          ) : (
            (edit?.body ?? v.body) && <MessageText body={edit?.body ?? v.body} className="message__body" />
          )}
          {!v.deleted && <AttachmentList attachments={v.attachments} />}
        </div>
      )}
      {message && !v.deleted && (
        <Reactions chatId={chatId} message={message} selfId={self.id} canReact={canReact && !readOnly} />
      )}
      {edit && <EditStatus messageId={edit.messageId} status={edit.status} error={edit.error} />}
      {!readOnly && <MessageStatus chatId={chatId} item={item} view={v} showSeenBy={showSeenBy} />}
      {message && !v.deleted && !editing && !readOnly && (
        <MessageToolbar
          chatId={chatId}
          message={message}
          selfId={self.id}
          canReply={canReply}
          canReact={canReact}
          canPin={canPin}
        />
      )}
      {canDelete && !editing && !readOnly && (
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
