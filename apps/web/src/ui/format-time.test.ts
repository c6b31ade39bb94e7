import { describe, expect, it } from 'vitest';
import { formatTime } from './format-time';

describe('formatTime', () => {
  const at = (h: number, m: number) => new Date(2030, 0, 2, h, m).toISOString();
  const now = new Date(2030, 0, 2, 23, 0);

  it('[time] no leading zero on the hour in a 12-hour locale; 24-hour locales keep theirs (#19 bug 11)', () => {
    expect(formatTime(at(14, 40), now, 'en-US')).toBe('2:40 PM');
    expect(formatTime(at(9, 5), now, 'en-US')).toBe('9:05 AM');
    expect(formatTime(at(14, 40), now, 'ru-RU')).toBe('14:40');
  });

  it('[time] another day adds the date', () => {
    expect(formatTime(at(14, 40), new Date(2030, 0, 5), 'en-US')).toBe('Jan 2, 2:40 PM');
  });
});
