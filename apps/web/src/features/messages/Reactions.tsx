import type { Message } from '@chatsockets/protocol';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hasReacted } from '../../state/reactions';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { useToggleReaction } from './use-conversation-actions';

const LONG_PRESS_MS = 500;

/**
 * A message's reactions: one chip per emoji with its count; a click toggles the user's own
 * (when they may react). Who reacted shows on hover (title) and on a long press (a list).
 */
export function Reactions({
  chatId,
  message,
  selfId,
  canReact,
}: {
  chatId: string;
  message: Message;
  selfId: string;
  canReact: boolean;
}) {
  const { t } = useTranslation('conversation');
  const toggle = useToggleReaction(chatId);
  const [shown, setShown] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const pressed = useRef(false);
  if (message.reactions.length === 0) return null;
  const cancelPress = () => clearTimeout(timer.current);
  return (
    <div className="reactions" data-testid="reactions">
      {message.reactions.map((r) => {
        const mine = hasReacted(message, r.emoji, selfId);
        const names = r.users.map((u) => u.username).join(', ');
        return (
          <button
            key={r.emoji}
            type="button"
            className={mine ? 'reaction reaction--mine' : 'reaction'}
            data-testid="reaction"
            data-emoji={r.emoji}
            aria-pressed={mine}
            aria-label={t('reactionCount', { count: r.count, emoji: r.emoji })}
            title={t('reactedBy', { names, emoji: r.emoji })}
            disabled={!canReact}
            onPointerDown={() => {
              pressed.current = false;
              timer.current = setTimeout(() => {
                pressed.current = true;
                setShown(r.emoji);
              }, LONG_PRESS_MS);
            }}
            onPointerUp={cancelPress}
            onPointerLeave={cancelPress}
            onClick={() => {
              // A long press shows who reacted; it is not also a toggle.
              if (pressed.current) return;
              toggle.mutate({ messageId: message.id, emoji: r.emoji, on: !mine });
            }}
          >
            <span className="reaction__emoji">{r.emoji}</span>
            <span className="reaction__count">{r.count}</span>
          </button>
        );
      })}
      {shown && (
        <div
          className="reaction-users"
          role="dialog"
          aria-label={t('reactedBy', { names: '', emoji: shown })}
        >
          <ul>
            {message.reactions
              .find((r) => r.emoji === shown)
              ?.users.map((u) => (
                <li key={u.id}>{u.username}</li>
              ))}
          </ul>
          <button type="button" className="button button--small" onClick={() => setShown(null)}>
            {t('close')}
          </button>
        </div>
      )}
      {toggle.isError && <ErrorMessage error={toggle.error} />}
    </div>
  );
}
