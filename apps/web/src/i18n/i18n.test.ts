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

  it('[plural] the interface counts in Russian: members, unread and new messages', async () => {
    initI18n('ru');
    await i18n.changeLanguage('ru');
    const say = (key: string) => [1, 3, 5, 21].map((count) => i18n.t(key, { count }));
    expect(say('chats:memberCount')).toEqual(['1 участник', '3 участника', '5 участников', '21 участник']);
    expect(say('chats:unread')).toEqual([
      '1 непрочитанное сообщение',
      '3 непрочитанных сообщения',
      '5 непрочитанных сообщений',
      '21 непрочитанное сообщение',
    ]);
    expect(say('messages:newBelow')).toEqual([
      '1 новое сообщение ↓',
      '3 новых сообщения ↓',
      '5 новых сообщений ↓',
      '21 новое сообщение ↓',
    ]);
    expect(i18n.t('errors:field.passwordTooShort', { count: 8 })).toBe(
      'Пароль должен содержать не менее 8 символов.',
    );
    await i18n.changeLanguage('en');
  });
});
