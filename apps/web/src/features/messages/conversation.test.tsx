// @vitest-environment jsdom
import type { Chat, Message, ReactionEvent } from '@chatsockets/protocol';
import { act, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, vi } from 'vitest';
import { i18n } from '../../i18n';
import { applyServerEvent } from '../../realtime/apply-server-event';
import type { ChatMessages } from '../../state/messages';
import { queryKeys } from '../../state/query-keys';
import { applyReactionDelta } from '../../state/reactions';
import { useRoute } from '../../stores/route.store';
import { useUi } from '../../stores/ui.store';
import { chatOf, me, messageOf, other, test } from '../../test/component';
import { MentionDirectoryProvider } from '../../ui/MessageText';
import { Composer } from './Composer';
import { MessageItem, type MessageItemProps } from './MessageItem';
import { PinnedBar } from './PinnedBar';

const meRef = { id: me.id, username: me.username };
const otherRef = { id: other.id, username: other.username };

const props = (m: Message, over: Partial<MessageItemProps> = {}): MessageItemProps => ({
  chatId: 'c-1',
  item: { kind: 'confirmed', key: `id:${m.id}`, message: m },
  self: me,
  showHeader: true,
  canModerate: false,
  canEdit: true,
  showSeenBy: false,
  canReply: true,
  canReact: true,
  canPin: false,
  ...over,
});

const chat = (over: Partial<Chat> = {}): Chat =>
  chatOf({ lastSeq: 3, role: 'owner', rev: 9, capabilities: ['read', 'post', 'react', 'pin'], ...over });

const stubFetch = (respond: (url: string, init: RequestInit) => Response | Promise<Response>) => {
  const fetch = vi.fn(async (url: string, init: RequestInit) => respond(url, init));
  vi.stubGlobal('fetch', fetch);
  return fetch;
};

afterEach(() => {
  vi.unstubAllGlobals();
  useRoute.setState({ jump: null });
});

describe('reply quote', () => {
  test('[reply] shows the original’s author and first line; deleted originals say so', ({ view }) => {
    const reply = messageOf({
      id: 'm-2',
      seq: 2,
      body: 'answer',
      replyTo: { id: 'm-1', seq: 1, author: otherRef, preview: 'the question', deleted: false },
    });
    const { rerender } = view(<MessageItem {...props(reply)} />);
    const quote = screen.getByTestId('reply-quote');
    expect(within(quote).getByText('other')).toBeTruthy();
    expect(within(quote).getByText('the question')).toBeTruthy();
    const gone = { ...reply, replyTo: { ...reply.replyTo!, preview: '', deleted: true }, rev: 9 };
    rerender(<MessageItem {...props(gone)} />);
    expect(within(screen.getByTestId('reply-quote')).getByText('Deleted message')).toBeTruthy();
  });

  test('[jump] a click on the quote loads the page around an unloaded original and asks the list to jump to it', async ({
    view,
    qc,
  }) => {
    qc.setQueryData<ChatMessages>(queryKeys.messages('c-1'), {
      messages: [messageOf({ id: 'm-300', seq: 300 })],
      hasOlder: true,
    });
    const original = messageOf({ id: 'm-7', seq: 7, body: 'old one', author: otherRef });
    const fetch = stubFetch((url) => {
      const q = new URL(url, 'http://x').searchParams;
      if (q.get('aroundSeq') === '7')
        return Response.json({ messages: [original], hasMore: true, hasMoreAfter: true });
      // The hole between the page and what was held, filled as a catch-up fills one.
      const after = Number(q.get('afterSeq'));
      const before = Number(q.get('beforeSeq'));
      const messages = [];
      for (let s = after + 1; s < before; s++) messages.push(messageOf({ id: `m-${s}`, seq: s }));
      return Response.json({ messages, hasMore: false });
    });
    const reply = messageOf({
      id: 'm-301',
      seq: 301,
      replyTo: { id: 'm-7', seq: 7, author: otherRef, preview: 'old one', deleted: false },
    });
    const { user } = view(<MessageItem {...props(reply)} />);
    await user.click(screen.getByTestId('reply-quote'));
    await vi.waitFor(() => expect(useRoute.getState().jump).toMatchObject({ chatId: 'c-1', seq: 7 }));
    expect(String(fetch.mock.calls[0]![0])).toContain('aroundSeq=7');
    const held = qc.getQueryData<ChatMessages>(queryKeys.messages('c-1'))!;
    expect(held.messages.map((m) => m.seq)).toEqual(Array.from({ length: 294 }, (_, i) => i + 7));
    expect(held.hasOlder).toBe(true);
  });

  test('[reply] Reply puts the message above the composer; sending carries replyToId and clears it', async ({
    view,
  }) => {
    const original = messageOf({ author: otherRef, body: 'first line\nsecond' });
    const { user } = view(
      <>
        <MessageItem {...props(original)} />
        <Composer chatId="c-1" selfId={me.id} />
      </>,
    );
    await user.click(screen.getByRole('button', { name: 'Reply to other' }));
    expect(within(screen.getByTestId('reply-bar')).getByText('first line')).toBeTruthy();
    await user.type(screen.getByRole('textbox'), 'my answer{Enter}');
    const { useOutbox } = await import('../../stores/outbox.store');
    expect(useOutbox.getState().entries[0]).toMatchObject({ body: 'my answer', replyToId: 'm-1' });
    expect(screen.queryByTestId('reply-bar')).toBeNull();
    expect(useUi.getState().replyTo).toEqual({});
  });
});

describe('quotes show mentions and formatting as the message does', () => {
  const names = { nameOf: (id: string) => ({ [other.id]: 'other', [me.id]: 'me' })[id], selfId: me.id };

  test('[reply] [pins] a mention in a quoted, pinned or replied-to line reads @name, and Markdown marks are gone, not <@id> and **', async ({
    view,
    qc,
  }) => {
    const original = messageOf({
      id: 'm-1',
      seq: 1,
      author: otherRef,
      body: `ask <@${me.id}> **now**\nsecond`,
      pinnedAt: '2030-01-01T00:00:00.000Z',
    });
    const reply = messageOf({
      id: 'm-2',
      seq: 2,
      body: 'answer',
      replyTo: { id: 'm-1', seq: 1, author: otherRef, preview: `ask <@${me.id}> **now**`, deleted: false },
    });
    qc.setQueryData(queryKeys.pins('c-1'), [original]);
    const { user } = view(
      <MentionDirectoryProvider value={names}>
        <PinnedBar chat={chat()} />
        <MessageItem {...props(original)} />
        <MessageItem {...props(reply)} />
        <Composer chatId="c-1" selfId={me.id} />
      </MentionDirectoryProvider>,
    );
    expect(screen.getByTestId('pinned-text').textContent).toBe('other: ask @me now');
    expect(within(screen.getByTestId('reply-quote')).getByText('ask @me now')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Reply to other' }));
    expect(within(screen.getByTestId('reply-bar')).getByText('ask @me now')).toBeTruthy();
  });

  test('[pins] a pinned message of files only says how many, not a blank', ({ view, qc }) => {
    const file = {
      id: 'a-1',
      name: 'plan.pdf',
      size: 10,
      mime: 'application/pdf',
      kind: 'file' as const,
      width: null,
      height: null,
      thumbnail: false,
    };
    qc.setQueryData(queryKeys.pins('c-1'), [
      messageOf({ body: '', attachments: [file], pinnedAt: '2030-01-01T00:00:00.000Z' }),
    ]);
    view(<PinnedBar chat={chat()} />);
    expect(screen.getByTestId('pinned-text').textContent).toBe('me: 1 file');
  });
});

describe('reactions', () => {
  const reacted = messageOf({
    author: otherRef,
    reactions: [
      { emoji: '👍', count: 2, users: [otherRef, meRef] },
      { emoji: '🎉', count: 1, users: [otherRef] },
    ],
  });

  test('[reactions] counts per emoji, mine pressed, who reacted on hover (title)', ({ view }) => {
    view(<MessageItem {...props(reacted)} />);
    const chips = screen.getAllByTestId('reaction');
    expect(chips.map((c) => c.textContent)).toEqual(['👍2', '🎉1']);
    expect(chips.map((c) => c.getAttribute('aria-pressed'))).toEqual(['true', 'false']);
    expect(chips[0]!.getAttribute('title')).toBe('other, me reacted with 👍');
    expect(chips[0]!.getAttribute('aria-label')).toBe('2 reactions with 👍');
  });

  test('[reactions] one click toggles: DELETE for mine, PUT for another', async ({ view }) => {
    const fetch = stubFetch(() => new Response(null, { status: 204 }));
    const { user } = view(<MessageItem {...props(reacted)} />);
    const [thumbs, party] = screen.getAllByTestId('reaction');
    await user.click(thumbs!);
    await user.click(party!);
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(2));
    const calls = fetch.mock.calls.map(([url, init]) => [init.method, decodeURIComponent(String(url))]);
    expect(calls).toEqual([
      ['DELETE', '/api/chats/c-1/messages/m-1/reactions/👍'],
      ['PUT', '/api/chats/c-1/messages/m-1/reactions/🎉'],
    ]);
  });

  test('[reactions] the quick row adds a common one; without the react capability, chips do nothing', async ({
    view,
  }) => {
    const fetch = stubFetch(() => new Response(null, { status: 204 }));
    const { user, rerender } = view(<MessageItem {...props(reacted)} />);
    await user.click(screen.getByRole('button', { name: 'Add reaction' }));
    await user.click(screen.getByRole('button', { name: 'React with ❤️' }));
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledOnce());
    expect(decodeURIComponent(String(fetch.mock.calls[0]![0]))).toContain('/reactions/❤️');
    rerender(<MessageItem {...props(reacted, { canReact: false })} />);
    expect(screen.getAllByTestId('reaction').every((c) => (c as HTMLButtonElement).disabled)).toBe(true);
    expect(screen.queryByRole('button', { name: 'Add reaction' })).toBeNull();
  });

  test('[reactions] a long press lists who reacted, and is not a toggle', async ({ view }) => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const fetch = stubFetch(() => new Response(null, { status: 204 }));
    try {
      const { user } = view(<MessageItem {...props(reacted)} />);
      const thumbs = screen.getAllByTestId('reaction')[0]!;
      await user.pointer({ keys: '[MouseLeft>]', target: thumbs });
      act(() => vi.advanceTimersByTime(600));
      await user.pointer({ keys: '[/MouseLeft]', target: thumbs });
      const list = screen.getByRole('dialog');
      expect(
        within(list)
          .getAllByRole('listitem')
          .map((li) => li.textContent),
      ).toEqual(['other', 'me']);
      expect(fetch).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });

  test('[reactions] live deltas apply in rev order; a stale or repeated one changes nothing', ({ qc }) => {
    const base = messageOf({ rev: 5 });
    qc.setQueryData<ChatMessages>(queryKeys.messages('c-1'), { messages: [base], hasOlder: false });
    const ev = (type: ReactionEvent['type'], rev: number, user = otherRef, emoji = '👍'): ReactionEvent => ({
      type,
      chatId: 'c-1',
      messageId: 'm-1',
      emoji,
      user,
      rev,
    });
    const held = () => qc.getQueryData<ChatMessages>(queryKeys.messages('c-1'))!.messages[0]!;
    applyServerEvent(qc, ev('reaction.added', 6), me.id);
    applyServerEvent(qc, ev('reaction.added', 7, meRef), me.id);
    applyServerEvent(qc, ev('reaction.added', 6), me.id); // repeated: older than what is held
    expect(held().reactions).toEqual([{ emoji: '👍', count: 2, users: [otherRef, meRef] }]);
    applyServerEvent(qc, ev('reaction.removed', 8), me.id);
    expect(held()).toMatchObject({ rev: 8, reactions: [{ emoji: '👍', count: 1, users: [meRef] }] });
    expect(applyReactionDelta(held(), ev('reaction.removed', 9, meRef)).reactions).toEqual([]);
    // A delta at or below the copy's rev is already in it (the feed brought it whole).
    expect(applyReactionDelta(held(), ev('reaction.added', 8, otherRef, '🎉'))).toBe(held());
  });

  test('[i18n] Russian plurals for the count', () => {
    const t = i18n.getFixedT('ru', 'conversation');
    expect([1, 3, 5, 21].map((count) => t('reactionCount', { count, emoji: '👍' }))).toEqual([
      '1 реакция 👍',
      '3 реакции 👍',
      '5 реакций 👍',
      '21 реакция 👍',
    ]);
  });
});

describe('pinned bar', () => {
  const pins = [
    messageOf({ id: 'm-9', seq: 9, body: 'newest pin', pinnedAt: '2030-01-02T00:00:00.000Z' }),
    messageOf({ id: 'm-4', seq: 4, body: 'older pin', pinnedAt: '2030-01-01T00:00:00.000Z' }),
  ];

  test('[pins] shows the latest pin, cycles on click (jumping to each), and follows unpin events', async ({
    view,
    qc,
  }) => {
    qc.setQueryData(queryKeys.pins('c-1'), pins);
    qc.setQueryData<ChatMessages>(queryKeys.messages('c-1'), {
      messages: Array.from({ length: 9 }, (_, i) => messageOf({ id: `m-${i + 1}`, seq: i + 1 })),
      hasOlder: false,
    });
    const { user } = view(<PinnedBar chat={chat()} />);
    expect(screen.getByTestId('pinned-text').textContent).toBe('me: newest pin');
    expect(screen.getByText('Pinned message 1 of 2')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Show the pinned message' }));
    await vi.waitFor(() => expect(useRoute.getState().jump).toMatchObject({ seq: 9 }));
    expect(screen.getByTestId('pinned-text').textContent).toBe('me: older pin');
    await user.click(screen.getByRole('button', { name: 'Show the pinned message' }));
    await vi.waitFor(() => expect(useRoute.getState().jump).toMatchObject({ seq: 4 }));
    // Unpinned elsewhere (a message.updated without pinnedAt): the bar follows.
    act(() =>
      applyServerEvent(
        qc,
        { type: 'message.updated', message: { ...pins[0]!, pinnedAt: null, rev: 20 } },
        me.id,
      ),
    );
    await vi.waitFor(() => expect(screen.getByText('Pinned message')).toBeTruthy());
    expect(screen.getByTestId('pinned-text').textContent).toBe('me: older pin');
  });

  test('[pins] unpin only with the pin capability', ({ view, qc }) => {
    qc.setQueryData(queryKeys.pins('c-1'), pins);
    const { rerender } = view(<PinnedBar chat={chat()} />);
    expect(screen.getByRole('button', { name: 'Unpin' })).toBeTruthy();
    rerender(<PinnedBar chat={chat({ capabilities: ['read', 'post', 'react'] })} />);
    expect(screen.queryByRole('button', { name: 'Unpin' })).toBeNull();
  });
});
