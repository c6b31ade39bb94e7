import { useTranslation } from 'react-i18next';
import { useUi } from '../../stores/ui.store';
import { useMentionNames } from '../../ui/MessageText';
import { plainText } from '../../ui/markdown';

/** Above the composer while the draft answers a message; × sends it plain again. */
export function ReplyBar({ chatId }: { chatId: string }) {
  const { t } = useTranslation('conversation');
  const target = useUi((s) => s.replyTo[chatId]);
  const setReplyTo = useUi((s) => s.setReplyTo);
  const names = useMentionNames();
  if (!target) return null;
  return (
    <div className="reply-bar" data-testid="reply-bar">
      <div className="reply-bar__text">
        <span className="reply-quote__author">{t('replyingTo', { author: target.author })}</span>
        <span className="reply-quote__text">{plainText(target.preview, names.nameOf, names.unknown)}</span>
      </div>
      <button
        type="button"
        className="icon-button"
        aria-label={t('cancelReply')}
        onClick={() => setReplyTo(chatId, null)}
      >
        ×
      </button>
    </div>
  );
}
