import type { User } from '@chatsockets/protocol';
import type { QueryClient } from '@tanstack/react-query';
import { resetPresence } from '../state/presence';
import { queryKeys } from '../state/query-keys';
import { useConnection } from '../stores/connection.store';
import { syncEditsAcrossTabs } from '../stores/edits.store';
import { syncOutboxAcrossTabs } from '../stores/outbox.store';
import { syncDraftsAcrossTabs } from '../stores/ui.store';
import { applyServerEvent } from './apply-server-event';
import { catchUp, hasGaps } from './catch-up';
import { ChatSync } from './chat-sync';
import { EditSender } from './edit-sender';
import { Notifier } from './notifier';
import { OutboxSender } from './outbox-sender';
import { changeOf, RevCursors } from './rev-cursors';
import { ChatSocket, type SocketState, socketUrl } from './socket';

const SESSION_CHECK_EVERY_MS = 10_000;

export interface Realtime {
  socket: ChatSocket;
  stop(): void;
}

/**
 * Wires the socket to the query cache for one signed-in user: events → applyServerEvent, gaps
 * → catch-up, (re)connect → resubscribe and flush the outbox, 4401 → `onSessionEnded`.
 */
export function startRealtime(qc: QueryClient, user: User, onSessionEnded: () => void): Realtime {
  const connection = useConnection.getState();
  let generation = 0;
  let sessionCheckedAt = 0;

  const onState = (state: SocketState) => {
    switch (state.kind) {
      case 'open':
        void onConnected(++generation);
        return;
      case 'waiting':
        connection.set('reconnecting', state.nextAttemptAt);
        // A refused upgrade looks like any failed connect; ask HTTP whether the session is still
        // valid. Not on every try: a visible tab retries about once a second, and a server coming
        // back should not get a GET /api/me from every tab each second on top of the reconnects.
        if (Date.now() - sessionCheckedAt >= SESSION_CHECK_EVERY_MS) {
          sessionCheckedAt = Date.now();
          void qc.invalidateQueries({ queryKey: queryKeys.me() });
        }
        return;
      case 'offline':
        connection.set('offline');
        return;
      case 'connecting':
        if (useConnection.getState().status !== 'reconnecting') connection.set('connecting');
        return;
      case 'ended':
        return;
    }
  };

  const socket = new ChatSocket({
    url: socketUrl(),
    onState,
    onSessionEnded,
    onNewerProtocol: () => connection.suggestReload(),
    onEvent: (event) => {
      // A change already held (or older than one held) is not applied again.
      const change = changeOf(event);
      if (change && !cursors.accept(change.chatId, change.rev)) return;
      if (
        (event.type === 'member.joined' || event.type === 'member.left') &&
        !cursors.noteMember(event.chatId, event.user.id, event.rev)
      )
        return;
      if (
        event.type === 'member.updated' &&
        !cursors.noteMember(event.chatId, event.member.user.id, event.rev)
      )
        return;
      if (event.type === 'member.left' && event.user.id === user.id) cursors.forget(event.chatId);
      if (event.type === 'chat.deleted') cursors.forget(event.chatId);
      applyServerEvent(qc, event, user.id);
      if (event.type === 'message.created') notifier.onMessage(event.message);
      if (event.type === 'message.created' && hasGaps(qc, event.message.chatId)) {
        void catchUp(qc, event.message.chatId);
      }
    },
  });
  const cursors = new RevCursors(qc, user.id);
  const notifier = new Notifier(qc, user);
  const sync = new ChatSync(socket, qc, cursors);
  const outbox = new OutboxSender(socket, qc, user.id);
  const edits = new EditSender(socket, qc, user.id);

  async function onConnected(gen: number) {
    connection.set('catching-up');
    resetPresence();
    outbox.onConnected();
    edits.onConnected();
    await sync.resubscribeAll();
    // The list may have changed while we were away (chats we were added to). So may what the
    // open chats' details hold that is no change of the chat and so not in the change log:
    // who has read what ("Seen by"), names and avatars. The detail on screen is read again.
    await Promise.all([
      qc.invalidateQueries({ queryKey: queryKeys.chatList() }),
      qc.invalidateQueries({ queryKey: queryKeys.chatDetails() }),
    ]);
    if (gen === generation && socket.isOpen) connection.set('connected');
  }

  const unwatchList = qc.getQueryCache().subscribe((e) => {
    if (e.type === 'updated' && e.query.queryKey.join('/') === queryKeys.chatList().join('/')) sync.sync();
  });
  const unsyncTabs = syncOutboxAcrossTabs();
  const unsyncEdits = syncEditsAcrossTabs();
  const unsyncDrafts = syncDraftsAcrossTabs();
  socket.connect();

  return {
    socket,
    stop() {
      unwatchList();
      unsyncTabs();
      unsyncEdits();
      unsyncDrafts();
      outbox.stop();
      notifier.stop();
      edits.stop();
      socket.close();
    },
  };
}
