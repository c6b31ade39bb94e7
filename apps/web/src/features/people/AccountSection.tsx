import { LIMITS } from '@chatsockets/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { authApi } from '../../api/auth.api';
import { queryKeys } from '../../state/query-keys';
import { ConfirmButton } from '../../ui/ConfirmButton';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { relativeTime } from '../../ui/relative-time';

/** Change password (the other sessions end) and your sessions, with "sign out all other devices". */
export function AccountSection() {
  const { t } = useTranslation('people');
  const qc = useQueryClient();
  const id = useId();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const sessions = useQuery({
    queryKey: queryKeys.sessions(),
    queryFn: ({ signal }) => authApi.sessions(signal),
  });
  const refresh = () => qc.invalidateQueries({ queryKey: queryKeys.sessions() });
  const change = useMutation({
    mutationFn: () => authApi.changePassword({ currentPassword: current, newPassword: next }),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      void refresh();
    },
  });
  const revoke = useMutation({ mutationFn: authApi.revokeSession, onSuccess: refresh });
  const revokeOthers = useMutation({ mutationFn: authApi.revokeOtherSessions, onSuccess: refresh });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    change.mutate();
  };
  const others = sessions.data?.sessions.filter((s) => !s.current) ?? [];
  return (
    <>
      <form className="stack" onSubmit={submit} aria-labelledby={`${id}-pw`}>
        <h3 id={`${id}-pw`}>{t('changePassword')}</h3>
        <div className="field">
          <label htmlFor={`${id}-current`}>{t('currentPassword')}</label>
          <input
            id={`${id}-current`}
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-new`}>{t('newPassword')}</label>
          <input
            id={`${id}-new`}
            type="password"
            autoComplete="new-password"
            required
            minLength={LIMITS.passwordMin}
            maxLength={LIMITS.passwordMax}
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
        </div>
        {change.isSuccess && <p role="status">{t('passwordChanged')}</p>}
        <ErrorMessage error={change.error} />
        <button type="submit" className="button" disabled={change.isPending}>
          {t('changePassword')}
        </button>
      </form>
      <section className="stack" aria-labelledby={`${id}-sessions`}>
        <h3 id={`${id}-sessions`}>{t('sessions')}</h3>
        <ul className="session-list">
          {sessions.data?.sessions.map((s) => (
            <li key={s.id} data-testid="session" data-current={s.current}>
              <span className="session__agent">{s.userAgent ?? t('unknownDevice')}</span>
              <span className="session__meta">
                {s.current
                  ? t('thisDevice')
                  : t('sessionTimes', {
                      created: relativeTime(s.createdAt),
                      active: relativeTime(s.lastActiveAt),
                    })}
              </span>
              {!s.current && (
                <button
                  type="button"
                  className="button button--small"
                  disabled={revoke.isPending}
                  onClick={() => revoke.mutate(s.id)}
                >
                  {t('signOut')}
                </button>
              )}
            </li>
          ))}
        </ul>
        {others.length > 0 && (
          <ConfirmButton
            label={t('signOutOthers')}
            question={t('signOutOthersQuestion', { count: others.length })}
            confirmLabel={t('signOut')}
            cancelLabel={t('cancel')}
            disabled={revokeOthers.isPending}
            onConfirm={() => revokeOthers.mutate()}
          />
        )}
        <ErrorMessage error={sessions.error ?? revoke.error ?? revokeOthers.error} />
      </section>
    </>
  );
}
