import type { Snippet, User } from '@chatsockets/protocol';
import { mentionsMe } from '../../state/chats';
import type { TimelineItem } from '../../state/merge-messages';
import { useUi } from '../../stores/ui.store';
import { formatFull, formatTime } from '../../ui/format-time';
import { MessageText } from '../../ui/MessageText';
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
  const message = item.kind === 'confirmed' ? item.message : null;
  // In the ui store, so ↑ in the composer can open it too (one message at a time).
  const editing = useUi((s) => message !== null && s.editing?.messageId === message.id);
  const setEditing = (on: boolean) =>
    useUi.getState().setEditing(on && message ? { chatId, messageId: message.id } : null);
  const canDelete = message !== null && !v.deleted && (v.mine || canModerate);
  return (
    <article
      className={className(v, message !== null && mentionsMe(message, self.id))}
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
          body={message.body}
          onDone={() => setEditing(false)}
        />
      ) : (
        <div className="message__bubble">
          {message?.replyTo && <ReplyQuote chatId={chatId} replyTo={message.replyTo} />}
          {v.deleted ? (
            <span className="message__body">This message was deleted</span>
          ) : snippet ? (
            <span className="message__body message__snippet" data-testid="snippet">
              {snippet.map((s, i) =>
                s.hit ? (
                  // biome-ignore lint/suspicious/noArrayIndexKey: segments never reorder
                  <mark key={i}>{s.text}</mark>
                ) : (
                  // biome-ignore lint/suspicious/noArrayIndexKey: segments never reorder
                  <span key={i}>{s.text}</span>
                ),
              )}
            </span>
          ) : (
            v.body && <MessageText body={v.body} className="message__body" />
          )}
          {!v.deleted && <AttachmentList attachments={v.attachments} />}
        </div>
      )}
      {message && !v.deleted && (
        <Reactions chatId={chatId} message={message} selfId={self.id} canReact={canReact && !readOnly} />
      )}
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
        />
      )}
    </article>
  );
}
