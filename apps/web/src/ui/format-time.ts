import { currentLocale } from '../i18n';

const sameDay = (a: Date, b: Date) =>
  a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

/**
 * Absolute, so the same message renders the same text live and after a reload:
 * "14:05" today, "Mar 3, 14:05" otherwise; in the interface's language unless told.
 */
export function formatTime(iso: string, now = new Date(), locale: string = currentLocale()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  // `numeric` hours: "2:40 PM" in English, "14:40" where the clock is 24-hour ("02:40 PM" read oddly).
  const time = d.toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' });
  if (sameDay(d, now)) return time;
  return `${d.toLocaleDateString(locale, { month: 'short', day: 'numeric' })}, ${time}`;
}

export function formatFull(iso: string, locale: string = currentLocale()): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(locale, { dateStyle: 'full', timeStyle: 'short' });
}

/**
 * What a date separator says: "today", "yesterday" (the caller translates them), else the date
 * in the reader's locale, with the year only when it is not this year's. `now` is injectable.
 */
export function dayLabel(iso: string, now: Date, locale?: string): 'today' | 'yesterday' | string {
  const d = new Date(iso);
  if (sameDay(d, now)) return 'today';
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (sameDay(d, yesterday)) return 'yesterday';
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'long',
    ...(d.getFullYear() === now.getFullYear() ? { weekday: 'long' } : { year: 'numeric' }),
  }).format(d);
}
