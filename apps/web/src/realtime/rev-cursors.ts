import type { ChatChange, ServerEvent } from '@chatsockets/protocol';
import type { QueryClient } from '@tanstack/react-query';
import { chatsApi } from '../api/chats.api';
import { applyChatInfo, applyMessageToChats, applyRole, removeChat } from '../state/chats';
import { putMember, removeMember } from '../state/members';
import { mergeIntoChat } from '../state/messages';
import { applyPinnedState } from '../state/pins';
import { markRemoved } from '../state/removed';

/** The chat and rev of an event that is itself a change of a chat; other events have none. */
export function changeOf(event: ServerEvent): { chatId: string; rev: number } | undefined {
  switch (event.type) {
    case 'message.created':
    case 'message.updated':
      return { chatId: event.message.chatId, rev: event.message.rev };
    case 'member.joined':
    case 'member.left':
    case 'member.updated':
    case 'chat.updated':
    case 'reaction.added':
    case 'reaction.removed':
      return { chatId: event.chatId, rev: event.rev };
    default:
      return undefined;
  }
}

/**
 * Per chat, the rev up to which every change has been applied (docs/PROTOCOL.md › Change
 * cursor). A subscribe sends it as `afterRev`; a live change past the next rev means the socket
 * missed some, and the rest is read from `GET …/changes`, as a hole in seq is filled by paging.
 * It lives as long as the query cache it describes: a reload starts both afresh from the server.
 */
export class RevCursors {
  private readonly held = new Map<string, number>();
  private readonly filling = new Map<string, Promise<void>>();
  /** `chatId/userId` → rev of the membership change last applied: a fill read earlier must not undo a later event. */
  private readonly memberRevs = new Map<string, number>();

  constructor(
    private readonly qc: QueryClient,
    private readonly selfId: string,
  ) {}

  get(chatId: string): number | undefined {
    return this.held.get(chatId);
  }

  /** Moves the cursor forward (only). */
  advance(chatId: string, rev: number): void {
    this.held.set(chatId, Math.max(this.held.get(chatId) ?? 0, rev));
  }

  forget(chatId: string): void {
    this.held.delete(chatId);
  }

  /**
   * Whether a live change should be applied: not when the cursor is past it (a fill or the
   * subscribe reply brought its state already). One that skips ahead is applied, and the hole
   * behind it is filled.
   */
  accept(chatId: string, rev: number): boolean {
    const held = this.held.get(chatId);
    if (held === undefined) return true; // a chat not subscribed yet (e.g. we were just added)
    if (rev <= held) return false;
    if (rev === held + 1) this.held.set(chatId, rev);
    else void this.fill(chatId);
    return true;
  }

  /** Applies one entry of the change log (a subscribe reply's `changes`, or a page of them). */
  apply(chatId: string, change: ChatChange): void {
    const { qc, selfId } = this;
    if (change.type === 'message') {
      mergeIntoChat(qc, chatId, [change.message]);
      applyMessageToChats(qc, change.message, selfId);
      applyPinnedState(qc, change.message);
      return;
    }
    if (change.type === 'chat') {
      applyChatInfo(qc, chatId, change);
      return;
    }
    const userId = change.type === 'member' ? change.member.user.id : change.user.id;
    if (!this.noteMember(chatId, userId, change.rev)) return;
    if (change.type === 'member') {
      putMember(qc, chatId, change.member);
      if (userId === selfId) applyRole(qc, chatId, change.member.role);
    } else if (userId === selfId) {
      this.forget(chatId);
      markRemoved(chatId, 'removed');
      removeChat(qc, chatId);
    } else {
      removeMember(qc, chatId, userId);
    }
  }

  /** Records a membership change as applied; false when a later one already was. */
  noteMember(chatId: string, userId: string, rev: number): boolean {
    const key = `${chatId}/${userId}`;
    if ((this.memberRevs.get(key) ?? 0) >= rev) return false;
    this.memberRevs.set(key, rev);
    return true;
  }

  /** Reads and applies every change after the cursor, page by page; one fill per chat at a time. */
  fill(chatId: string): Promise<void> {
    const running = this.filling.get(chatId);
    if (running) return running;
    const work = (async () => {
      for (let round = 0; round < 100; round++) {
        const from = this.held.get(chatId);
        if (from === undefined) return; // left the chat meanwhile
        const page = await chatsApi.changes(chatId, from);
        for (const change of page.changes) this.apply(chatId, change);
        if (this.held.has(chatId)) this.advance(chatId, page.rev);
        if (!page.hasMore) return;
      }
    })();
    const p = work.catch(() => {}).finally(() => this.filling.delete(chatId));
    this.filling.set(chatId, p);
    return p;
  }
}
