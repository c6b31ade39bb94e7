import { useTranslation } from 'react-i18next';
import type { TimelineItem } from '../../state/merge-messages';
import type { MessageView } from './message-view';
import { SeenBy } from './SeenBy';
import { discardPending, retryPending } from './use-message-actions';

/** The line under a message: edited, pending/sending/failed (with Retry), or who has seen it. */
export function MessageStatus(props: {
  chatId: string;
  item: TimelineItem;
  view: MessageView;
  showSeenBy: boolean;
}) {
  const { item, view: v } = props;
  const { t } = useTranslation('messages');
  const seenBy = props.showSeenBy && item.kind === 'confirmed' ? item.message : null;
  if (!v.edited && v.status === 'sent' && !seenBy) return null;
  return (
    <div className="message__status" role={v.status === 'failed' ? 'alert' : undefined}>
      {v.edited && <span>{t('edited')}</span>}
      {v.status !== 'sent' && (
        <span>
          {v.error
            ? t('status.withError', {
                status: t(`status.${v.status}`),
                error: t([`errors:code.${v.error}`, 'errors:code.INTERNAL']),
              })
            : t(`status.${v.status}`)}
        </span>
      )}
      {v.status === 'failed' && item.kind === 'pending' && (
        <>
          <button type="button" className="link" onClick={() => retryPending(item.pending.clientId)}>
            {t('retry')}
          </button>
          <button type="button" className="link" onClick={() => discardPending(item.pending.clientId)}>
            {t('discard')}
          </button>
        </>
      )}
      {seenBy && <SeenBy chatId={props.chatId} seq={seenBy.seq} authorId={seenBy.author.id} />}
    </div>
  );
}
