import { useCallback, useMemo, useRef } from 'react';
import { useSocket } from '../../app/realtime-context';

const EVERY_MS = 2_500;

/**
 * Tells the chat "I am typing" at most every 2.5 s while keys are pressed (ephemeral, socket
 * only). `reset` after a send, so the next message's first key is announced at once.
 */
export function useTypingNotifier(chatId: string): { notify(): void; reset(): void } {
  const socket = useSocket();
  const last = useRef(0);
  const notify = useCallback(() => {
    const now = Date.now();
    if (!socket?.isOpen || now - last.current < EVERY_MS) return;
    last.current = now;
    socket.request({ type: 'typing', chatId }).catch(() => {});
  }, [socket, chatId]);
  return useMemo(() => ({ notify, reset: () => (last.current = 0) }), [notify]);
}
