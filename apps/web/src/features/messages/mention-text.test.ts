import { describe, expect, it } from 'vitest';
import { mentionQueryAt, suggest, toBody, toDraft } from './mention-text';

const users = [
  { id: 'u-bob', username: 'bob' },
  { id: 'u-bobby', username: 'Bobby' },
  { id: 'u-al', username: 'al.ice' },
  { id: 'u-me', username: 'me' },
];

describe('mention text', () => {
  it('[mentions] @name of a member becomes its token; code, emails and strangers stay as typed', () => {
    expect(toBody('hi @bob, @BOBBY and @al.ice. @nobody me@bob.com `@bob`', users, false)).toBe(
      'hi <@u-bob>, <@u-bobby> and <@u-al>. @nobody me@bob.com `@bob`',
    );
    expect(toBody('@all now', users, false)).toBe('@all now');
    expect(toBody('@all now', users, true)).toBe('<@all> now');
    expect(toBody('```\n@bob\n```\n@bob', users, false)).toBe('```\n@bob\n```\n<@u-bob>');
  });

  it("[mentions] an @ inside a link stays as typed: the URL is not cut by a member's token", () => {
    const links = [
      'https://medium.com/@bob/my-post',
      'https://www.youtube.com/@bobbyross',
      'www.mastodon.social/@al.ice',
      '[profile](https://medium.com/@bob)',
      '<https://x.example/@me>',
    ];
    for (const link of links) expect(toBody(`see ${link} now`, users, false)).toBe(`see ${link} now`);
    // A mention right after a link is still one.
    expect(toBody('https://x.example/a @bob', users, false)).toBe('https://x.example/a <@u-bob>');
  });

  it('[mentions] the autocomplete does not open for an @ inside a link', () => {
    const text = 'see https://medium.com/@bo';
    expect(mentionQueryAt(text, text.length)).toBeNull();
  });

  it('[autocomplete] [i18n] a member is found by their display name too, Cyrillic included; the pick is their @username', () => {
    const people = [
      { id: 'u-ivan', username: 'ivan_p', displayName: 'Иван Петров' },
      { id: 'u-iv', username: 'ivy', displayName: 'Ivy' },
      { id: 'u-me', username: 'me' },
    ];
    const text = 'привет, @Ив';
    expect(mentionQueryAt(text, text.length)).toEqual({ start: 8, query: 'Ив' });
    expect(suggest(people, 'Ив', { selfId: 'u-me', canMentionAll: false })).toEqual([
      { id: 'u-ivan', name: 'ivan_p', displayName: 'Иван Петров' },
    ]);
    expect(suggest(people, 'петр', { selfId: 'u-me', canMentionAll: false }).map((s) => s.name)).toEqual([
      'ivan_p',
    ]);
    // An @ after a Cyrillic letter is inside a word (an address), as after a Latin one.
    expect(mentionQueryAt('почта@Ив', 8)).toBeNull();
  });

  it('[mentions] a body to edit shows names; round-trips', () => {
    const body = 'hi <@u-bob> <@ALL> <@u-gone>';
    expect(toDraft(body, users)).toBe('hi @bob @all <@u-gone>');
    expect(toBody(toDraft(body, users), users, true)).toBe('hi <@u-bob> <@all> <@u-gone>');
  });

  it('[autocomplete] the @query before the caret, not inside an email', () => {
    expect(mentionQueryAt('hey @bo', 7)).toEqual({ start: 4, query: 'bo' });
    expect(mentionQueryAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQueryAt('me@bo', 5)).toBeNull();
    expect(mentionQueryAt('hey @bo there', 13)).toBeNull();
  });

  it('[autocomplete] prefix matches first, never yourself, @all only when allowed', () => {
    const opts = { selfId: 'u-me', canMentionAll: false };
    expect(suggest(users, 'b', opts).map((s) => s.name)).toEqual(['bob', 'Bobby']);
    expect(suggest(users, '', opts).map((s) => s.name)).toEqual(['al.ice', 'bob', 'Bobby']);
    expect(suggest(users, 'a', { ...opts, canMentionAll: true }).map((s) => s.name)).toEqual([
      'al.ice',
      'all',
    ]);
  });
});
