import type { Chat, Message, User } from '@chatsockets/protocol';
import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import type { ReactElement, ReactNode } from 'react';
import { test as base } from 'vitest';
import { createQueryClient } from '../app/query-client';
import { initI18n } from '../i18n';
import type { PendingMessage, TimelineItem } from '../state/merge-messages';
import { useConnection } from '../stores/connection.store';
import { useOutbox } from '../stores/outbox.store';
import { useUi } from '../stores/ui.store';

/**
 * Component tests render the real components with the app's own QueryClient and the real
 * zustand stores (emptied around each test). No socket provider: `useSocket()` is null, as it
 * is before the socket exists, so components take their HTTP paths.
 */
// Component tests read the English catalogs unless a test switches the language.
initI18n('en');

// jsdom has <dialog> without its modal methods; the browser's focus trap is not under test here.
if (typeof HTMLDialogElement !== 'undefined' && !HTMLDialogElement.prototype.showModal) {
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
    this.open = false;
  };
}

export const test = base.extend<{
  qc: QueryClient;
  view: (ui: ReactElement) => ReturnType<typeof render> & { user: UserEvent };
}>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  qc: async ({}, use) => {
    useOutbox.setState({ entries: [] });
    useUi.setState({ drafts: {}, membersOpen: false, editing: null });
    useConnection.setState({ status: 'connecting', nextAttemptAt: null, reloadSuggested: false });
    const qc = createQueryClient();
    await use(qc);
    cleanup();
    qc.clear();
    localStorage.clear();
  },
  view: async ({ qc }, use) => {
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={qc}>{children}</QueryClientProvider>
    );
    await use((ui) => Object.assign(render(ui, { wrapper }), { user: userEvent.setup() }));
  },
});

export const me: User = { id: 'u-me', username: 'me', createdAt: '2030-01-01T00:00:00.000Z' };
export const other: User = { id: 'u-other', username: 'other', createdAt: '2030-01-01T00:00:00.000Z' };

/** A group chat the caller is a plain member of, with nothing unread; tests override what they look at. */
export function chatOf(overrides: Partial<Chat> = {}): Chat {
  const c: Omit<Chat, 'readSeq' | 'lastActivityAt'> = {
    id: 'c-1',
    title: 'Room',
    description: '',
    muted: false,
    kind: 'group',
    visibility: 'private',
    createdAt: '2030-01-01T00:00:00.000Z',
    lastSeq: 1,
    lastMessage: null,
    unreadCount: 0,
    role: 'member',
    rev: 1,
    capabilities: ['read', 'post'],
    unreadMentionCount: 0,
    unreadMentionSeqs: [],
    ...overrides,
  };
  // The marker and the order as the server would send them, unless the test sets them.
  return {
    ...c,
    readSeq: overrides.readSeq ?? c.lastSeq - c.unreadCount,
    lastActivityAt: overrides.lastActivityAt ?? c.createdAt,
  };
}

/** A stored message, as the server sends it. */
export function messageOf(overrides: Partial<Message> = {}): Message {
  return {
    id: 'm-1',
    chatId: 'c-1',
    seq: 1,
    author: { id: me.id, username: me.username },
    body: 'hello there',
    clientId: 'client-1',
    createdAt: '2030-01-01T10:00:00.000Z',
    editedAt: null,
    deletedAt: null,
    rev: 1,
    replyTo: null,
    reactions: [],
    pinnedAt: null,
    mentions: [],
    ...overrides,
  };
}

export function confirmed(overrides: Partial<Message> = {}): TimelineItem {
  const message = messageOf(overrides);
  return { kind: 'confirmed', key: `id:${message.id}`, message };
}

export function pending(overrides: Partial<PendingMessage> = {}): TimelineItem {
  const p: PendingMessage = {
    clientId: 'client-p',
    chatId: 'c-1',
    authorId: me.id,
    body: 'on its way',
    createdAt: '2030-01-01T10:01:00.000Z',
    status: 'queued',
    ...overrides,
  };
  return { kind: 'pending', key: `${p.authorId}:${p.clientId}`, pending: p };
}
