import type { ReplyRef } from '@chatsockets/protocol';
import { useTranslation } from 'react-i18next';
import { useJumpToMessage } from './use-conversation-actions';

/**
 * What a reply shows of its original: author and first line (plain text for now), or that it
 * was deleted. A click jumps to the original, loading history around it when needed.
 */
export function ReplyQuote({ chatId, replyTo }: { chatId: string; replyTo: ReplyRef }) {
  const { t } = useTranslation('conversation');
  const jump = useJumpToMessage();
  return (
    <button
      type="button"
      className="reply-quote"
      data-testid="reply-quote"
      aria-label={t('goToOriginal', { author: replyTo.author.username })}
      onClick={() => void jump(chatId, replyTo.seq)}
    >
      <span className="reply-quote__author">{replyTo.author.username}</span>
      <span
        className={replyTo.deleted ? 'reply-quote__text reply-quote__text--deleted' : 'reply-quote__text'}
      >
        {replyTo.deleted ? t('quoteDeleted') : replyTo.preview}
      </span>
    </button>
  );
}
