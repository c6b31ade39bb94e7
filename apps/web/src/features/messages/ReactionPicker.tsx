import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** The common ones, one click away, as in Telegram and Slack. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🎉'] as const;

const EmojiPickerPanel = lazy(() => import('./EmojiPickerPanel'));

/** A quick row of common reactions, and "more" for the full picker (loaded on first use). */
export function ReactionPicker({ onPick }: { onPick(emoji: string): void }) {
  const { t } = useTranslation('conversation');
  const [full, setFull] = useState(false);
  return (
    <div className="reaction-picker" data-testid="reaction-picker">
      <div className="reaction-picker__quick">
        {QUICK_REACTIONS.map((emoji) => (
          <button
            key={emoji}
            type="button"
            className="icon-button reaction-picker__emoji"
            aria-label={t('reactWith', { emoji })}
            onClick={() => onPick(emoji)}
          >
            {emoji}
          </button>
        ))}
        <button
          type="button"
          className="icon-button"
          aria-label={t('moreEmoji')}
          aria-expanded={full}
          onClick={() => setFull((v) => !v)}
        >
          …
        </button>
      </div>
      {full && (
        <Suspense fallback={<p className="reaction-picker__loading">{t('loadingPicker')}</p>}>
          <EmojiPickerPanel onPick={onPick} />
        </Suspense>
      )}
    </div>
  );
}
