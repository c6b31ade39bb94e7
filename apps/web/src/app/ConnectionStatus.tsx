import { useEffect, useState } from 'react';
import { type ConnectionStatus as Status, useConnection } from '../stores/connection.store';
import { useSocket } from './realtime-context';

const LABELS: Record<Status, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting',
  'catching-up': 'Catching up…',
  offline: 'Offline',
};

function useSecondsUntil(at: number | null): number | null {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (at === null) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, [at]);
  return at === null ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * Always visible: connected, reconnecting (with the next attempt and "Retry now"), catching up,
 * or offline; and, once the server turns out newer than this build, a request to reload.
 */
export function ConnectionStatus() {
  const status = useConnection((s) => s.status);
  const nextAttemptAt = useConnection((s) => s.nextAttemptAt);
  const reloadSuggested = useConnection((s) => s.reloadSuggested);
  const socket = useSocket();
  const seconds = useSecondsUntil(status === 'reconnecting' ? nextAttemptAt : null);
  const text =
    status === 'reconnecting' && seconds !== null
      ? seconds > 0
        ? `Reconnecting in ${seconds}s`
        : 'Reconnecting…'
      : LABELS[status];
  return (
    <>
      <output
        className={`conn conn--${status}`}
        data-testid="connection-status"
        data-state={status}
        aria-live="polite"
      >
        <span className="conn__dot" aria-hidden="true" />
        {text}
      </output>
      {status === 'reconnecting' && socket && (
        <button type="button" className="link" onClick={() => socket.retryNow()}>
          Retry now
        </button>
      )}
      {reloadSuggested && (
        <span className="conn conn--reload" role="status">
          A newer version is available.
          <button type="button" className="link" onClick={() => window.location.reload()}>
            Reload
          </button>
        </span>
      )}
    </>
  );
}
