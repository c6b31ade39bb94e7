// @vitest-environment jsdom
import type { Attachment, Chat } from '@chatsockets/protocol';
import { screen } from '@testing-library/react';
import { afterEach, describe, expect } from 'vitest';
import { i18n } from '../../i18n';
import { queryKeys } from '../../state/query-keys';
import { chatOf, confirmed, me, other, test } from '../../test/component';
import { ChatListItem } from './ChatListItem';

const last = confirmed({
  seq: 7,
  author: { id: other.id, username: other.username },
  body: '**Look** <@u-me>: `x`',
  mentions: ['u-me'],
});
const chat = (overrides: Partial<Chat> = {}): Chat =>
  chatOf({
    lastSeq: 7,
    lastMessage: last.kind === 'confirmed' ? last.message : null,
    unreadCount: 3,
    readSeq: 4,
    lastActivityAt: '2030-01-01T00:00:00.000Z',
    rev: 9,
    unreadMentionCount: 2,
    unreadMentionSeqs: [5, 7],
    ...overrides,
  });

describe('ChatListItem', () => {
  afterEach(() => i18n.changeLanguage('en'));

  test('[mentions] an @ badge beside the unread count while mentions are unread; the preview is plain text', ({
    view,
    qc,
  }) => {
    qc.setQueryData(queryKeys.me(), me);
    const { rerender } = view(<ChatListItem chat={chat()} active={false} />);
    const badge = screen.getByTestId('mention-badge');
    expect(badge.getAttribute('data-count')).toBe('2');
    expect(badge.textContent).toBe('@2 unread mentions');
    expect(screen.getByTestId('unread-badge').getAttribute('data-count')).toBe('3');
    expect(screen.getByText('other: Look @me: x')).toBeTruthy();
    rerender(<ChatListItem chat={chat({ unreadMentionCount: 0, unreadMentionSeqs: [] })} active={false} />);
    expect(screen.queryByTestId('mention-badge')).toBeNull();
  });

  test('[bidi] a title and a preview with a right-to-left override are isolated: it ends with them, not in the time or badges', ({
    view,
    qc,
  }) => {
    qc.setQueryData(queryKeys.me(), me);
    const rlo = '\u202Egnirts';
    view(
      <ChatListItem
        chat={chat({
          title: rlo,
          lastMessage: last.kind === 'confirmed' ? { ...last.message, body: rlo, mentions: [] } : null,
        })}
        active={false}
      />,
    );
    for (const el of [screen.getByText(rlo), screen.getByText(`other: ${rlo}`)])
      expect(el.getAttribute('dir')).toBe('auto');
  });

  test('[mentions] Russian plural forms of the badge', async ({ view }) => {
    await i18n.changeLanguage('ru');
    const { rerender } = view(<ChatListItem chat={chat({ unreadMentionCount: 1 })} active={false} />);
    const label = () => screen.getByTestId('mention-badge').getAttribute('title');
    expect(label()).toBe('1 непрочитанное упоминание');
    rerender(<ChatListItem chat={chat({ unreadMentionCount: 3 })} active={false} />);
    expect(label()).toBe('3 непрочитанных упоминания');
    rerender(<ChatListItem chat={chat({ unreadMentionCount: 5 })} active={false} />);
    expect(label()).toBe('5 непрочитанных упоминаний');
  });

  test('[files] a message of files only is previewed by how many, in both languages (Russian plurals)', async ({
    view,
  }) => {
    const file = (i: number): Attachment => ({
      id: `a-${i}`,
      name: `f${i}.pdf`,
      size: 10,
      mime: 'application/pdf',
      kind: 'file',
      width: null,
      height: null,
      thumbnail: false,
    });
    const withFiles = (n: number, kind: Chat['kind'] = 'group') => {
      const item = confirmed({
        author: { id: other.id, username: other.username },
        body: '',
        attachments: Array.from({ length: n }, (_, i) => file(i)),
      });
      return chat({ kind, lastMessage: item.kind === 'confirmed' ? item.message : null });
    };
    const preview = () => document.querySelector('.chat-item__preview')?.textContent;
    const { rerender } = view(<ChatListItem chat={withFiles(1)} active={false} />);
    expect(preview()).toBe('other: 1 file');
    rerender(<ChatListItem chat={withFiles(1, 'direct')} active={false} />);
    expect(preview()).toBe('1 file');
    await i18n.changeLanguage('ru');
    const expected: Array<[number, string]> = [
      [1, '1 файл'],
      [2, '2 файла'],
      [5, '5 файлов'],
      [21, '21 файл'],
      [22, '22 файла'],
      [25, '25 файлов'],
      [111, '111 файлов'],
    ];
    for (const [n, text] of expected) {
      rerender(<ChatListItem chat={withFiles(n, 'direct')} active={false} />);
      expect(preview()).toBe(text);
    }
  });
});
