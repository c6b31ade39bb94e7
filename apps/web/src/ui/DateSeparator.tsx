import { useTranslation } from 'react-i18next';
import { currentLocale } from '../i18n';
import { dayLabel } from './format-time';

/** "Today", "Yesterday", or the date, between the days of a message list. */
export function DateSeparator({ day, now = new Date() }: { day: string; now?: Date }) {
  const { t } = useTranslation('compose');
  const label = dayLabel(day, now, currentLocale());
  return (
    <div className="date-separator" data-testid="date-separator">
      <span>{label === 'today' ? t('date.today') : label === 'yesterday' ? t('date.yesterday') : label}</span>
    </div>
  );
}
