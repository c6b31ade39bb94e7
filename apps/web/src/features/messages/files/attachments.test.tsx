// @vitest-environment jsdom
import type { Attachment } from '@chatsockets/protocol';
import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect } from 'vitest';
import { confirmed, me, test } from '../../../test/component';
import { MentionDirectoryProvider } from '../../../ui/MessageText';
import { MessageItem } from '../MessageItem';

const image: Attachment = {
  id: 'a-img',
  name: 'cat.png',
  size: 2048,
  mime: 'image/png',
  kind: 'image',
  width: 800,
  height: 600,
  thumbnail: true,
};
const file: Attachment = {
  id: 'a-doc',
  name: 'report.pdf',
  size: 1_572_864,
  mime: 'application/pdf',
  kind: 'file',
  width: null,
  height: null,
  thumbnail: false,
};

const base = {
  chatId: 'c-1',
  self: me,
  showHeader: true,
  canModerate: false,
  canEdit: false,
  showSeenBy: false,
};

describe('attachments in MessageItem', () => {
  test('[files] an image shows its thumbnail and opens the full image; a file shows a card with name, size and download', ({
    view,
  }) => {
    view(<MessageItem {...base} item={confirmed({ body: '', attachments: [image, file] })} />);
    const thumb = screen.getByTestId('attachment-thumbnail');
    expect(thumb.getAttribute('src')).toBe('/api/attachments/a-img/thumbnail');
    const card = screen.getByTestId('file-card');
    expect(within(card).getByText('report.pdf')).toBeTruthy();
    expect(within(card).getByText(/1\.5\s*MB/)).toBeTruthy();
    expect(within(card).getByRole('link', { name: 'Download' }).getAttribute('href')).toBe(
      '/api/attachments/a-doc',
    );
    // jsdom has no modal dialogs: open it as the browser would.
    HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
      this.setAttribute('open', '');
    };
    HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
      this.removeAttribute('open');
    };
    fireEvent.click(screen.getByRole('button', { name: 'Open image cat.png' }));
    expect(screen.getByTestId('lightbox').querySelector('img')?.getAttribute('src')).toBe(
      '/api/attachments/a-img',
    );
  });

  test('[files] a deleted message shows no files', ({ view }) => {
    view(
      <MessageItem
        {...base}
        item={confirmed({ body: '', deletedAt: '2030-01-01T10:01:00.000Z', attachments: [image] })}
      />,
    );
    expect(screen.queryByTestId('attachments')).toBeNull();
  });

  test('[search] a snippet marks the hits and renders markup as text', ({ view }) => {
    view(
      <MessageItem
        {...base}
        readOnly
        item={confirmed({ body: '<b>x</b>' })}
        snippet={[
          { text: '<img src=x onerror=alert(1)> ', hit: false },
          { text: 'kitten', hit: true },
        ]}
      />,
    );
    const snippet = screen.getByTestId('snippet');
    expect(snippet.querySelector('mark')?.textContent).toBe('kitten');
    expect(snippet.querySelector('img')).toBeNull();
    expect(snippet.textContent).toContain('<img src=x onerror=alert(1)>');
  });

  test('[search] [mentions] a mention in a snippet reads @name, not its <@id> token', ({ view }) => {
    view(
      <MentionDirectoryProvider value={{ nameOf: (id) => (id === 'u-other' ? 'other' : undefined) }}>
        <MessageItem
          {...base}
          readOnly
          item={confirmed({ body: 'hey <@u-other> look at the kitten <@u-gone>' })}
          snippet={[
            { text: 'hey <@U-OTHER> look at the ', hit: false },
            { text: 'kitten', hit: true },
            { text: ' <@u-gone>', hit: false },
          ]}
        />
      </MentionDirectoryProvider>,
    );
    const snippet = screen.getByTestId('snippet');
    expect(snippet.textContent).toBe('hey @other look at the kitten @unknown user');
    expect(snippet.querySelector('mark')?.textContent).toBe('kitten');
  });
});
