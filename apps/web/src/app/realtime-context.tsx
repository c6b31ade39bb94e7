import type { User } from '@chatsockets/protocol';
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { useEndSession } from '../features/auth/use-auth';
import type { ChatSocket } from '../realtime/socket';
import { startRealtime } from '../realtime/start-realtime';

const RealtimeContext = createContext<ChatSocket | null>(null);

/** The socket of the signed-in user; null until it exists (and in between StrictMode runs). */
export function useSocket(): ChatSocket | null {
  return useContext(RealtimeContext);
}

export function RealtimeProvider({ user, children }: { user: User; children: ReactNode }) {
  const qc = useQueryClient();
  const endSession = useEndSession();
  const [socket, setSocket] = useState<ChatSocket | null>(null);

  useEffect(() => {
    // Closed in the cleanup, so StrictMode's mount-unmount-mount leaves exactly one socket.
    const realtime = startRealtime(qc, user, () => endSession(user.id));
    setSocket(realtime.socket);
    return () => {
      realtime.stop();
      setSocket(null);
    };
  }, [qc, user, endSession]);

  return <RealtimeContext value={socket}>{children}</RealtimeContext>;
}
