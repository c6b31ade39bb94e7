import type { User } from '@chatsockets/protocol';
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { activeTypists, useTyping } from '../../state/typing';

function describe(t: TFunction<'messages'>, users: User[]): string {
  const [a, b] = users;
  if (!a) return '';
  if (!b) return t('typing.one', { a: a.username });
  if (users.length === 2) return t('typing.two', { a: a.username, b: b.username });
  return t('typing.several');
}

/** Who is typing, hidden 5 s after the last signal (PROTOCOL.md › typing). */
export function TypingIndicator({ chatId, selfId }: { chatId: string; selfId: string }) {
  const data = useTyping(chatId);
  const { t } = useTranslation('messages');
  const [now, setNow] = useState(Date.now);
  // Re-render at the next expiry, so a silent typist disappears on time.
  useEffect(() => {
    const next = Object.values(data ?? {})
      .map((t) => t.until)
      .filter((u) => u > now);
    if (next.length === 0) return;
    const t = setTimeout(() => setNow(Date.now()), Math.min(...next) - Date.now() + 20);
    return () => clearTimeout(t);
  }, [data, now]);
  const text = describe(t, activeTypists(data, selfId, now));
  return (
    <div className="typing" aria-live="polite" data-testid="typing-indicator">
      {text}
    </div>
  );
}
