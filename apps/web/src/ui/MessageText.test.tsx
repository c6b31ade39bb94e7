// @vitest-environment jsdom
import { describe, expect } from 'vitest';
import { test } from '../test/component';
import { MentionDirectoryProvider, MessageText } from './MessageText';
import { plainText } from './markdown';

const names: Record<string, string> = { 'u-bob': 'bob', 'u-me': 'me' };
const directory = { nameOf: (id: string) => names[id], selfId: 'u-me' };

describe('MessageText', () => {
  test('[format] bold, italic, strikethrough, inline code, quotes and lists', ({ view }) => {
    const { container } = view(
      <MessageText
        body={'**bold** _it_ ~~gone~~ `a<b>`\n\n> quoted\n> > nested\n\n- one\n- two\n\n3. three'}
      />,
    );
    expect(container.querySelector('strong')?.textContent).toBe('bold');
    expect(container.querySelector('em')?.textContent).toBe('it');
    expect(container.querySelector('del')?.textContent).toBe('gone');
    expect(container.querySelector('p > code')?.textContent).toBe('a<b>');
    expect(container.querySelector('blockquote blockquote')?.textContent).toBe('nested');
    expect([...container.querySelectorAll('ul > li')].map((li) => li.textContent)).toEqual(['one', 'two']);
    expect(container.querySelector('ol')?.getAttribute('start')).toBe('3');
  });

  test('[format] a fenced code block keeps its text verbatim, with its language as a label', ({ view }) => {
    const code = '<script>alert(1)</script>\n  **not bold**';
    const { container } = view(<MessageText body={`\`\`\`html\n${code}\n\`\`\``} />);
    expect(container.querySelector('.md-code__lang')?.textContent).toBe('html');
    expect(container.querySelector('pre > code')?.textContent).toBe(code);
    expect(container.querySelector('script, strong')).toBeNull();
  });

  test('[xss] HTML, images, javascript: and data: links stay text; nothing but http(s)/mailto is a link', ({
    view,
  }) => {
    const body = [
      '<img src=x onerror=alert(1)> <b>b</b>',
      '![pic](https://example.com/x.png)',
      '[click](javascript:alert(1)) [data](data:text/html,<script>alert(2)</script>) [rel](/api/me)',
      '<javascript:alert(3)> javascript:alert(4)',
      '# not a heading',
      '[ref]: https://example.com',
    ].join('\n\n');
    const { container } = view(<MessageText body={body} />);
    expect(container.querySelector('img, b, script, h1, iframe')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(container.textContent).toContain('# not a heading');
    expect(container.textContent).toContain('[ref]: https://example.com');
    const links = [...container.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    // The image became "!" and a link to its address; nothing else is a link.
    expect(links).toEqual(['https://example.com/x.png', 'https://example.com/']);
    expect(container.textContent).toContain('!pic');
    expect(container.textContent).toContain('click');
  });

  test('[links] http(s), www., mailto: and emails, as typed; sentence punctuation stays out', ({ view }) => {
    const { container } = view(
      <MessageText
        body={
          'see https://example.com/a?b=1. and www.example.org, mail me@example.com or mailto:x@example.net (http://x.io/Foo_(bar)) example.com'
        }
      />,
    );
    const links = [...container.querySelectorAll('a')];
    expect(links.map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['https://example.com/a?b=1', 'https://example.com/a?b=1'],
      ['www.example.org', 'http://www.example.org/'],
      ['me@example.com', 'mailto:me@example.com'],
      // GFM links the address after "mailto:", which stays in the text before it.
      ['x@example.net', 'mailto:x@example.net'],
      ['http://x.io/Foo_(bar)', 'http://x.io/Foo_(bar)'],
    ]);
    for (const a of links) expect(a.getAttribute('rel')).toBe('noopener noreferrer');
  });

  test('[links] a quote or bracket ends a bare URL; what follows stays text', ({ view }) => {
    const { container } = view(
      <MessageText body={'https://example.com/"><img src=y onerror=alert(4)> "https://x.io/a"'} />,
    );
    expect([...container.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual([
      'https://example.com/',
      'https://x.io/a',
    ]);
    expect(container.textContent).toBe('https://example.com/"><img src=y onerror=alert(4)> "https://x.io/a"');
    expect(container.querySelector('img')).toBeNull();
  });

  test('[mentions] tokens show the current name, mine and @all stand out, unknown ids say so', ({ view }) => {
    const { container } = view(
      <MentionDirectoryProvider value={directory}>
        <MessageText body={'hi <@U-BOB>, <@u-me> and <@all>; <@u-gone> `<@u-bob>`'} />
      </MentionDirectoryProvider>,
    );
    const mentions = [...container.querySelectorAll('.mention')];
    expect(mentions.map((m) => [m.textContent, m.classList.contains('mention--me')])).toEqual([
      ['@bob', false],
      ['@me', true],
      ['@all', true],
      ['@unknown user', false],
    ]);
    // Inside code a token is shown as typed.
    expect(container.querySelector('code')?.textContent).toBe('<@u-bob>');
  });
});

describe('plainText', () => {
  test('[preview] the words without marks, mentions by name, one line', () => {
    expect(
      plainText(
        '**Hi** <@u-bob>,\n\n> see `code` and [the docs](https://x.io)\n\n- a\n- b',
        (id) => names[id],
      ),
    ).toBe('Hi @bob, see code and the docs a b');
    expect(plainText('<img src=x> ![p](u) <@nobody>')).toBe('<img src=x> !p @…');
  });
});
