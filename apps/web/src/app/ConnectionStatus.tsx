import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useConnection } from '../stores/connection.store';
import { useSocket } from './realtime-context';

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
  const { t } = useTranslation();
  const seconds = useSecondsUntil(status === 'reconnecting' ? nextAttemptAt : null);
  const text =
    status === 'reconnecting' && seconds !== null
      ? seconds > 0
        ? t('connection.reconnectingIn', { seconds })
        : t('connection.reconnecting')
      : t(`connection.${status}`);
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
          {t('connection.retryNow')}
        </button>
      )}
      {reloadSuggested && (
        <span className="conn conn--reload" role="status">
          {t('connection.newerVersion')}
          <button type="button" className="link" onClick={() => window.location.reload()}>
            {t('connection.reload')}
          </button>
        </span>
      )}
    </>
  );
}
