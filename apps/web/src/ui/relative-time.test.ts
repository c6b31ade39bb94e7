import { afterAll, describe, expect, it } from 'vitest';
import { i18n, initI18n } from '../i18n';
import { relativeTime } from './relative-time';

describe('relativeTime', () => {
  afterAll(() => i18n.changeLanguage('en'));
  it('[last seen] in the user language, with the right unit', async () => {
    initI18n('en');
    await i18n.changeLanguage('en');
    const now = Date.parse('2030-01-02T12:00:00Z');
    expect(relativeTime('2030-01-02T11:55:00Z', now)).toBe('5 minutes ago');
    expect(relativeTime('2030-01-01T12:00:00Z', now)).toBe('yesterday');
    expect(relativeTime('2030-01-02T11:59:58Z', now)).toBe('2 seconds ago');
    await i18n.changeLanguage('ru');
    expect(relativeTime('2030-01-02T11:55:00Z', now)).toBe('5 минут назад');
    expect(relativeTime('2030-01-02T09:00:00Z', now)).toBe('3 часа назад');
  });
});
