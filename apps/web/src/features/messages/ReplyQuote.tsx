import type { ReplyRef } from '@chatsockets/protocol';
import { useTranslation } from 'react-i18next';
import { useMentionNames } from '../../ui/MessageText';
import { plainText } from '../../ui/markdown';
import { useJumpToMessage } from './use-conversation-actions';

/**
 * What a reply shows of its original: author and first line (as plain text: mentions by name,
 * not `<@id>`, and no Markdown marks), or that it was deleted. A click jumps to the original, loading history around it when needed.
 */
export function ReplyQuote({ chatId, replyTo }: { chatId: string; replyTo: ReplyRef }) {
  const { t } = useTranslation('conversation');
  const jump = useJumpToMessage();
  const names = useMentionNames();
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
        dir="auto"
      >
        {replyTo.deleted ? t('quoteDeleted') : plainText(replyTo.preview, names.nameOf, names.unknown)}
      </span>
    </button>
  );
}
