// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import { describe, expect, vi } from 'vitest';
import { useEdits } from '../../stores/edits.store';
import { confirmed, me, other, pending, test } from '../../test/component';
import { formatTime } from '../../ui/format-time';
import { MessageItem, type MessageItemProps } from './MessageItem';

const props = (overrides: Partial<MessageItemProps>): MessageItemProps => ({
  chatId: 'c-1',
  item: confirmed(),
  self: me,
  showHeader: true,
  canModerate: false,
  canEdit: true,
  showSeenBy: false,
  ...overrides,
});

/** Buttons that act on the message: the author's name in the header only opens their profile. */
const actionButtons = (buttons: HTMLElement[]) => buttons.filter((b) => !b.closest('.message__meta'));

const theirs = confirmed({ author: { id: other.id, username: other.username }, body: 'from them' });

describe('MessageItem', () => {
  test('[message] shows author, time and body', ({ view }) => {
    view(<MessageItem {...props({ item: theirs })} />);
    const article = screen.getByTestId('message');
    expect(within(article).getByText('other')).toBeTruthy();
    expect(within(article).getByText('from them')).toBeTruthy();
    expect(article.querySelector('time')?.getAttribute('dateTime')).toBe('2030-01-01T10:00:00.000Z');
  });

  test('[actions] own message: Edit and Delete when the chat grants edit-own', ({ view }) => {
    view(<MessageItem {...props({ canEdit: true })} />);
    expect(screen.getByRole('button', { name: /^Edit message from/ })).toBeTruthy();
    expect(screen.getByRole('button', { name: /^Delete message from/ })).toBeTruthy();
  });

  test('[actions] each button is named for its message: author and time (#19 bug 8)', ({ view }) => {
    view(<MessageItem {...props({ item: theirs, canModerate: true })} />);
    const time = formatTime('2030-01-01T10:00:00.000Z');
    expect(screen.getByRole('button', { name: `Delete message from other at ${time}` })).toBeTruthy();
  });

  test('[actions] own message without edit-own: Delete only', ({ view }) => {
    view(<MessageItem {...props({ canEdit: false })} />);
    expect(screen.queryByRole('button', { name: /^Edit message from/ })).toBeNull();
    expect(screen.getByRole('button', { name: /^Delete message from/ })).toBeTruthy();
  });

  test("[actions] someone else's message: nothing, unless a moderator, who may delete but not edit", ({
    view,
  }) => {
    const { rerender } = view(<MessageItem {...props({ item: theirs, canEdit: true })} />);
    expect(actionButtons(screen.queryAllByRole('button'))).toEqual([]);
    rerender(<MessageItem {...props({ item: theirs, canEdit: true, canModerate: true })} />);
    expect(screen.queryByRole('button', { name: /^Edit message from/ })).toBeNull();
    expect(screen.getByRole('button', { name: /^Delete message from/ })).toBeTruthy();
  });

  test('[deleted] a deleted message says so, hides its body and offers no actions', ({ view }) => {
    view(
      <MessageItem
        {...props({
          item: confirmed({ body: '', deletedAt: '2030-01-01T11:00:00.000Z' }),
          canModerate: true,
        })}
      />,
    );
    expect(screen.getByText('This message was deleted')).toBeTruthy();
    expect(screen.queryByText('hello there')).toBeNull();
    expect(actionButtons(screen.queryAllByRole('button'))).toEqual([]);
    expect(screen.queryByText('edited')).toBeNull();
  });

  test('[deleted] looks the same to its author as to everyone else (#19 bug 7)', ({ view }) => {
    const gone = { body: '', deletedAt: '2030-01-01T11:00:00.000Z' };
    const { rerender } = view(<MessageItem {...props({ item: confirmed(gone) })} />);
    const mine = screen.getByTestId('message').className;
    rerender(
      <MessageItem
        {...props({ item: confirmed({ ...gone, author: { id: other.id, username: other.username } }) })}
      />,
    );
    expect(screen.getByTestId('message').className).toBe(mine);
  });

  test('[edited] an edited message is marked', ({ view }) => {
    view(<MessageItem {...props({ item: confirmed({ editedAt: '2030-01-01T10:30:00.000Z' }) })} />);
    expect(screen.getByText('edited')).toBeTruthy();
  });

  test('[edit] Edit opens the editor with the text; Cancel puts the message back', async ({ view }) => {
    const { user } = view(<MessageItem {...props({})} />);
    await user.click(screen.getByRole('button', { name: /^Edit message from/ }));
    expect((screen.getByRole('textbox', { name: 'Edit message' }) as HTMLTextAreaElement).value).toBe(
      'hello there',
    );
    // While editing, the actions are out of the way.
    expect(screen.queryByRole('button', { name: /^Delete message from/ })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.getByText('hello there')).toBeTruthy();
  });

  test('[edit] text typed in the editor survives its row leaving the screen and coming back (the list is virtualized)', async ({
    view,
  }) => {
    const first = view(<MessageItem {...props({})} />);
    await first.user.click(screen.getByRole('button', { name: /^Edit message from/ }));
    const box = () => screen.getByRole('textbox', { name: 'Edit message' }) as HTMLTextAreaElement;
    await first.user.clear(box());
    await first.user.type(box(), 'half of a careful rewrite');
    // Scrolled far enough away, the virtualizer unmounts the row; scrolled back, it mounts it anew.
    first.unmount();
    view(<MessageItem {...props({})} />);
    expect(box().value).toBe('half of a careful rewrite');
  });

  test('[edit offline] saving without a connection keeps the text, shows it, and says it will be saved (#19 bug 4)', async ({
    view,
  }) => {
    // No socket and no network: what an edit met offline.
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    vi.stubGlobal('fetch', fetch);
    try {
      const { user } = view(<MessageItem {...props({})} />);
      await user.click(screen.getByRole('button', { name: /^Edit message from/ }));
      const box = screen.getByRole('textbox', { name: 'Edit message' });
      await user.clear(box);
      await user.type(box, 'fixed offline{Enter}');
      expect(screen.queryByRole('alert')).toBeNull();
      expect(screen.getByText('fixed offline')).toBeTruthy();
      expect(screen.getByTestId('edit-status').textContent).toBe(
        'Edit will be saved when the connection returns.',
      );
      expect(useEdits.getState().edits['m-1']).toMatchObject({ body: 'fixed offline', status: 'queued' });
      // Editing again starts from the queued text, not the old one.
      await user.click(screen.getByRole('button', { name: /^Edit message from/ }));
      expect((screen.getByRole('textbox', { name: 'Edit message' }) as HTMLTextAreaElement).value).toBe(
        'fixed offline',
      );
    } finally {
      vi.unstubAllGlobals();
      useEdits.setState({ edits: {} });
    }
  });

  test('[delete] Delete asks first; Keep backs out, Delete sends the DELETE', async ({ view }) => {
    const fetch = vi.fn(async () => new Response(null, { status: 204 }));
    vi.stubGlobal('fetch', fetch);
    try {
      const { user } = view(<MessageItem {...props({})} />);
      await user.click(screen.getByRole('button', { name: /^Delete message from/ }));
      await user.click(screen.getByRole('button', { name: 'Keep' }));
      expect(fetch).not.toHaveBeenCalled();
      await user.click(screen.getByRole('button', { name: /^Delete message from/ }));
      await user.click(screen.getByRole('button', { name: 'Delete' }));
      await vi.waitFor(() => expect(fetch).toHaveBeenCalledOnce());
      const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
      expect([init.method, url]).toEqual(['DELETE', '/api/chats/c-1/messages/m-1']);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  test('[pending] my unsent copy shows its state and no actions', ({ view }) => {
    view(<MessageItem {...props({ item: pending({ status: 'sending' }), canModerate: true })} />);
    const article = screen.getByTestId('message');
    expect(article.dataset.status).toBe('sending');
    expect(within(article).getByText('on its way')).toBeTruthy();
    expect(within(article).getByText('Sending…')).toBeTruthy();
    expect(actionButtons(within(article).queryAllByRole('button'))).toEqual([]);
  });
});
