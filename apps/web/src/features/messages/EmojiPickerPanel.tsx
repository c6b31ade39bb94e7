import { Picker } from 'emoji-picker-element';
import ru from 'emoji-picker-element/i18n/ru_RU';
import enData from 'emoji-picker-element-data/en/emojibase/data.json?url';
import ruData from 'emoji-picker-element-data/ru/emojibase/data.json?url';
import { useEffect, useRef } from 'react';
import { currentLocale } from '../../i18n';

/**
 * The full emoji picker (emoji-picker-element), in its own chunk: ReactionPicker loads it on
 * demand, so it adds nothing to the first load. Its data is served by the app itself (no CDN).
 */
export default function EmojiPickerPanel({ onPick }: { onPick(emoji: string): void }) {
  const host = useRef<HTMLDivElement>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  useEffect(() => {
    const russian = currentLocale() === 'ru';
    const picker = new Picker({
      locale: russian ? 'ru' : 'en',
      dataSource: russian ? ruData : enData,
      ...(russian ? { i18n: ru } : {}),
    });
    const onEmoji = (e: Event) => {
      const unicode = (e as CustomEvent<{ unicode?: string }>).detail.unicode;
      if (unicode) pick.current(unicode);
    };
    picker.addEventListener('emoji-click', onEmoji);
    host.current?.appendChild(picker);
    return () => {
      picker.removeEventListener('emoji-click', onEmoji);
      picker.remove();
    };
  }, []);
  return <div ref={host} className="emoji-picker" data-testid="emoji-picker" />;
}
