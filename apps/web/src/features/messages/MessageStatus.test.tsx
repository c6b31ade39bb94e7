// @vitest-environment jsdom
import type { ChatDetailResponse } from '@chatsockets/protocol';
import { screen } from '@testing-library/react';
import { describe, expect, vi } from 'vitest';
import type { TimelineItem } from '../../state/merge-messages';
import { queryKeys } from '../../state/query-keys';
import { useOutbox } from '../../stores/outbox.store';
import { chatOf, confirmed, me, other, pending, test } from '../../test/component';
import { MessageStatus } from './MessageStatus';
import { toMessageView } from './message-view';

function Status({ item, showSeenBy = false }: { item: TimelineItem; showSeenBy?: boolean }) {
  return <MessageStatus chatId="c-1" item={item} view={toMessageView(item, me)} showSeenBy={showSeenBy} />;
}

/** Puts the item's pending copy in the real outbox, where Retry and Discard act. */
function inOutbox(item: TimelineItem): TimelineItem {
  if (item.kind === 'pending') useOutbox.getState().add(item.pending);
  return item;
}

describe('MessageStatus', () => {
  test('[sent] a sent message shows no status line', ({ view }) => {
    const { container } = view(<Status item={confirmed()} />);
    expect(container.textContent).toBe('');
  });

  test('[queued] waiting for a connection', ({ view }) => {
    view(<Status item={pending({ status: 'queued' })} />);
    expect(screen.getByText('Waiting for connection…')).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
  });

  test('[failed] says why, as an alert, with Retry and Discard', ({ view }) => {
    view(<Status item={pending({ status: 'failed', error: 'FORBIDDEN' })} />);
    expect(screen.getByRole('alert').textContent).toContain('Not sent: You are not allowed to do that.');
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Discard' })).toBeTruthy();
  });

  test('[retry] Retry queues the message again, without its error', async ({ view }) => {
    const item = inOutbox(pending({ status: 'failed', error: 'INTERNAL' }));
    const { user } = view(<Status item={item} />);
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(useOutbox.getState().entries).toEqual([
      expect.objectContaining({ clientId: 'client-p', status: 'queued', error: undefined }),
    ]);
  });

  test('[discard] Discard drops it from the outbox', async ({ view }) => {
    const item = inOutbox(pending({ status: 'failed', error: 'INTERNAL' }));
    const { user } = view(<Status item={item} />);
    await user.click(screen.getByRole('button', { name: 'Discard' }));
    expect(useOutbox.getState().entries).toEqual([]);
  });

  test('[seen-by] my latest message: "Sent" until someone has read it, then who', ({ view, qc }) => {
    const detail = (readSeq: number): ChatDetailResponse => ({
      chat: chatOf({ title: 'Chat', role: 'owner', capabilities: [] }),
      members: [
        {
          user: me,
          role: 'owner',
          joinedAt: '2030-01-01T00:00:00.000Z',
          joinedSeq: 0,
          joinedRev: 1,
          readSeq: 1,
        },
        {
          user: other,
          role: 'member',
          joinedAt: '2030-01-01T00:00:00.000Z',
          joinedSeq: 0,
          joinedRev: 1,
          readSeq,
        },
      ],
    });
    qc.setQueryData(queryKeys.chat('c-1'), detail(0));
    view(<Status item={confirmed()} showSeenBy />);
    expect(screen.getByTestId('seen-by').textContent).toBe('Sent');
    qc.setQueryData(queryKeys.chat('c-1'), detail(1));
    return vi.waitFor(() => expect(screen.getByTestId('seen-by').textContent).toBe('Seen by other'));
  });
});
