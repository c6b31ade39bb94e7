// @vitest-environment jsdom
import { LIMITS } from '@chatsockets/protocol';
import { screen } from '@testing-library/react';
import { describe, expect } from 'vitest';
import type { ChatMessages } from '../../state/messages';
import { queryKeys } from '../../state/query-keys';
import { useOutbox } from '../../stores/outbox.store';
import { useUi } from '../../stores/ui.store';
import { confirmed, me, other, test } from '../../test/component';
import { Composer } from './Composer';
import { MessageItem } from './MessageItem';

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

  const members = [me, other, { id: 'u-otto', username: 'Otto' }, { id: 'u-al', username: 'al' }];
  const options = () => screen.queryAllByRole('option').map((o) => o.textContent);

  test('[autocomplete] @ lists the members (not me); arrows and Enter pick; the body carries the id', async ({
    view,
  }) => {
    const { user } = view(<Composer chatId="c-1" selfId={me.id} members={members} />);
    await user.type(box(), 'hi @o');
    expect(options()).toEqual(['@other', '@Otto']);
    expect(screen.getAllByRole('option')[0]!.getAttribute('aria-selected')).toBe('true');
    await user.keyboard('{ArrowDown}{Enter}');
    expect(box().value).toBe('hi @Otto ');
    expect(options()).toEqual([]);
    await user.type(box(), 'and @al{Tab}{Enter}');
    expect(outbox().map((e) => e.body)).toEqual(['hi <@u-otto> and <@u-al>']);
  });

  test('[autocomplete] a mention picked mid-text puts the caret after it at once: the next key lands there', async ({
    view,
  }) => {
    const { user } = view(<Composer chatId="c-1" selfId={me.id} members={members} />);
    await user.type(box(), 'hi @o world');
    await user.keyboard('{ArrowLeft>6/}');
    expect(options()).toEqual(['@other', '@Otto']);
    await user.keyboard('{ArrowDown}{Enter}');
    expect(box().value).toBe('hi @Otto  world');
    expect(box().selectionStart).toBe('hi @Otto '.length);
    await user.keyboard('x');
    expect(box().value).toBe('hi @Otto x world');
  });

  test('[autocomplete] Escape closes the list and keeps the text; the mouse picks too; @all only when allowed', async ({
    view,
  }) => {
    const { user, rerender } = view(<Composer chatId="c-1" selfId={me.id} members={members} />);
    await user.type(box(), '@a');
    expect(options()).toEqual(['@al']);
    await user.keyboard('{Escape}');
    expect(options()).toEqual([]);
    expect(box().value).toBe('@a');
    await user.clear(box());
    rerender(<Composer chatId="c-1" selfId={me.id} members={members} canMentionAll />);
    await user.type(box(), '@a');
    expect(options()).toEqual(['@al', '@alleveryone in this chat']);
    await user.click(screen.getAllByRole('option')[1]!);
    expect(box().value).toBe('@all ');
    await user.keyboard('{Enter}');
    expect(outbox().map((e) => e.body)).toEqual(['<@all>']);
  });

  test('[edit-last] ↑ in an empty box edits my last message that is not deleted; Escape cancels', async ({
    view,
    qc,
  }) => {
    const messages = [
      { id: 'm-1', seq: 1, body: 'my last words' },
      { id: 'm-2', seq: 2, body: 'from them', author: { id: other.id, username: other.username } },
      { id: 'm-3', seq: 3, body: '', deletedAt: '2030-01-01T11:00:00.000Z' },
    ].map((m) => {
      const item = confirmed(m);
      return item.kind === 'confirmed' ? item.message : (undefined as never);
    });
    qc.setQueryData<ChatMessages>(queryKeys.messages('c-1'), { messages, hasOlder: false });
    const { user } = view(
      <div>
        <MessageItem
          chatId="c-1"
          item={confirmed(messages[0])}
          self={me}
          showHeader
          canModerate={false}
          canEdit
          showSeenBy={false}
        />
        <Composer chatId="c-1" selfId={me.id} members={members} canEdit />
      </div>,
    );
    // Not while something is typed.
    await user.type(box(), 'x{ArrowUp}');
    expect(useUi.getState().editing).toBeNull();
    await user.clear(box());
    await user.keyboard('{ArrowUp}');
    expect(useUi.getState().editing).toEqual({ chatId: 'c-1', messageId: 'm-1' });
    const editor = screen.getByRole('textbox', { name: 'Edit message' }) as HTMLTextAreaElement;
    expect(editor.value).toBe('my last words');
    expect(document.activeElement).toBe(editor);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('textbox', { name: 'Edit message' })).toBeNull();
    expect(useUi.getState().editing).toBeNull();
    expect(document.activeElement).toBe(box());
  });
});
