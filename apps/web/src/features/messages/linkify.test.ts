import { describe, expect, it } from 'vitest';
import { linkify } from './linkify';

describe('linkify', () => {
  it('[links] finds http(s) URLs and leaves the rest as text', () => {
    expect(linkify('see https://example.com/a?b=1 now')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: ' now' },
    ]);
  });

  it('[links] keeps sentence punctuation out of the link, but a balanced ")" in', () => {
    expect(linkify('go to http://x.io/page.').map((p) => p.text)).toEqual([
      'go to ',
      'http://x.io/page',
      '.',
    ]);
    expect(linkify('(http://x.io/a)').map((p) => p.text)).toEqual(['(', 'http://x.io/a', ')']);
    expect(linkify('http://w.org/Foo_(bar)').map((p) => p.text)).toEqual(['http://w.org/Foo_(bar)']);
  });

  it('[xss] never links other schemes and never splits markup into anything but text', () => {
    expect(linkify('javascript:alert(1)')).toEqual([{ kind: 'text', text: 'javascript:alert(1)' }]);
    expect(linkify('<img src=x onerror=alert(1)>')).toEqual([
      { kind: 'text', text: '<img src=x onerror=alert(1)>' },
    ]);
    const parts = linkify('https://a.b/"onmouseover="x');
    expect(parts[0]).toEqual({ kind: 'link', text: 'https://a.b/', href: 'https://a.b/' });
  });

  it('[links] an empty body has no parts', () => {
    expect(linkify('')).toEqual([]);
  });
});
