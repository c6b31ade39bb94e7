import type { TimelineItem } from '../../state/merge-messages';
import type { MessageView } from './message-view';
import { SeenBy } from './SeenBy';
import { discardPending, retryPending } from './use-message-actions';

const STATUS_TEXT = { queued: 'Waiting for connection…', sending: 'Sending…', failed: 'Not sent', sent: '' };

/** The line under a message: edited, pending/sending/failed (with Retry), or who has seen it. */
export function MessageStatus(props: {
  chatId: string;
  item: TimelineItem;
  view: MessageView;
  showSeenBy: boolean;
}) {
  const { item, view: v } = props;
  const seenBy = props.showSeenBy && item.kind === 'confirmed' ? item.message : null;
  if (!v.edited && v.status === 'sent' && !seenBy) return null;
  return (
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
      {seenBy && <SeenBy chatId={props.chatId} seq={seenBy.seq} authorId={seenBy.author.id} />}
    </div>
  );
}
