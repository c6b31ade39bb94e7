import { useTranslation } from 'react-i18next';
import type { Suggestion } from './mention-text';

/** The composer's `@` list: the caller moves through it with the keyboard or picks with the mouse. */
export function MentionSuggestions(props: {
  id: string;
  items: readonly Suggestion[];
  active: number;
  onPick(item: Suggestion): void;
}) {
  const { t } = useTranslation('compose');
  return (
    <div id={props.id} className="mentions" role="listbox" aria-label={t('mention.suggestions')}>
      {props.items.map((item, i) => (
        <div
          key={item.id}
          tabIndex={-1}
          id={`${props.id}-${i}`}
          role="option"
          aria-selected={i === props.active}
          className={i === props.active ? 'mentions__item mentions__item--active' : 'mentions__item'}
          // Keep the focus in the textarea: the pick happens on click.
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => props.onPick(item)}
          // The textarea keeps the focus and handles the keys (aria-activedescendant); this is for completeness.
          onKeyDown={(e) => e.key === 'Enter' && props.onPick(item)}
        >
          <span className="mentions__name">@{item.name}</span>
          {item.displayName && <span className="mentions__hint">{item.displayName}</span>}
          {item.id === 'all' && <span className="mentions__hint">{t('mention.all')}</span>}
        </div>
      ))}
    </div>
  );
}
