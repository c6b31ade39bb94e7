// @vitest-environment jsdom
import { LIMITS } from '@chatsockets/protocol';
import { screen } from '@testing-library/react';
import { describe, expect } from 'vitest';
import { useOutbox } from '../../stores/outbox.store';
import { me, test } from '../../test/component';
import { Composer } from './Composer';

const box = () => screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
const outbox = () => useOutbox.getState().entries;

describe('Composer', () => {
  test('[send] Enter sends the trimmed text to the outbox and clears the box', async ({ view }) => {
    const { user } = view(<Composer chatId="c-1" selfId={me.id} />);
    await user.type(box(), '  hi there  {Enter}');
    expect(outbox()).toEqual([
      expect.objectContaining({ chatId: 'c-1', authorId: me.id, body: 'hi there', status: 'queued' }),
    ]);
    expect(box().value).toBe('');
  });

  test('[send] Shift+Enter adds a line instead of sending', async ({ view }) => {
    const { user } = view(<Composer chatId="c-1" selfId={me.id} />);
    await user.type(box(), 'one{Shift>}{Enter}{/Shift}two');
    expect(outbox()).toEqual([]);
    expect(box().value).toBe('one\ntwo');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(outbox().map((e) => e.body)).toEqual(['one\ntwo']);
  });

  test('[send] nothing to send: the button is disabled and Enter does nothing', async ({ view }) => {
    const { user } = view(<Composer chatId="c-1" selfId={me.id} />);
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
    await user.type(box(), '   {Enter}');
    expect(outbox()).toEqual([]);
  });

  test('[too-long] a message over the limit is refused with a reason, and the text is kept', async ({
    view,
  }) => {
    const { user } = view(<Composer chatId="c-1" selfId={me.id} />);
    const long = 'x'.repeat(LIMITS.bodyMax + 1);
    // Typing 4001 keys one by one is slow; paste is what a user would do anyway.
    await user.click(box());
    await user.paste(long);
    await user.keyboard('{Enter}');
    expect(screen.getByRole('alert').textContent).toBe(
      `A message can have at most ${LIMITS.bodyMax} characters.`,
    );
    expect(box().getAttribute('aria-invalid')).toBe('true');
    expect(box().value).toBe(long);
    expect(outbox()).toEqual([]);
  });

  test('[draft] each chat keeps its own draft', async ({ view }) => {
    const { user, rerender } = view(<Composer chatId="c-1" selfId={me.id} />);
    await user.type(box(), 'for chat one');
    rerender(<Composer chatId="c-2" selfId={me.id} />);
    expect(box().value).toBe('');
    rerender(<Composer chatId="c-1" selfId={me.id} />);
    expect(box().value).toBe('for chat one');
  });
});
