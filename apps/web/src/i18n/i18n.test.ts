import { afterAll, describe, expect, it } from 'vitest';
import { i18n, initI18n } from '.';

describe('i18n', () => {
  afterAll(() => i18n.changeLanguage('en'));

  it('[plural] Russian plural forms come from Intl.PluralRules (1 сообщение, 2 сообщения, 5 сообщений)', async () => {
    initI18n('ru');
    await i18n.changeLanguage('ru');
    expect([1, 2, 5, 11, 21, 22, 1.5].map((count) => i18n.t('messageCount', { count }))).toEqual([
      '1 сообщение',
      '2 сообщения',
      '5 сообщений',
      '11 сообщений',
      '21 сообщение',
      '22 сообщения',
      '1.5 сообщения',
    ]);
    await i18n.changeLanguage('en');
    expect([1, 2].map((count) => i18n.t('messageCount', { count }))).toEqual(['1 message', '2 messages']);
  });
});
