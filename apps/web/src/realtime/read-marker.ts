import type { QueryClient } from '@tanstack/react-query';
import { chatsApi } from '../api/chats.api';
import { applyReadSeq, findChat } from '../state/chats';
import type { ChatSocket } from './socket';

/**
 * Moves the caller's read marker forward to `seq`: the badge updates at once, the server hears
 * it over the socket when connected, else over HTTP (PROTOCOL.md › Chats › read).
 */
export function markRead(qc: QueryClient, socket: ChatSocket | null, chatId: string, seq: number): void {
  const chat = findChat(qc, chatId);
  if (!chat || seq <= chat.readSeq) return;
  applyReadSeq(qc, chatId, seq);
  const viaHttp = () => chatsApi.markRead(chatId, seq).catch(() => {});
  if (socket?.isOpen) socket.request({ type: 'read', chatId, seq }).catch(viaHttp);
  else void viaHttp();
}
