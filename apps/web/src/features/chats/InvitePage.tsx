import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/http';
import { invitePreviewQuery } from '../../api/queries';
import { useRoute } from '../../stores/route.store';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { useJoinByInvite } from './use-chat-mutations';

/** Why a link no longer works, from the server's `details` (`revoked`, `expired`, `used-up`). */
function deadReason(error: unknown): 'revoked' | 'expired' | 'used-up' | 'unknown' | undefined {
  if (isApiError(error, 'NOT_FOUND')) return 'unknown';
  if (!isApiError(error, 'GONE')) return undefined;
  const reason = error.details?.find((d) => d.path === 'invite')?.message;
  return reason === 'revoked' || reason === 'expired' || reason === 'used-up' ? reason : 'unknown';
}

/** `/invite/<token>`: what the link leads to, and joining it. */
export function InvitePage({ token }: { token: string }) {
  const { t } = useTranslation('people');
  const preview = useQuery(invitePreviewQuery(token));
  const join = useJoinByInvite();
  const navigate = useRoute((s) => s.navigate);
  const dead = deadReason(preview.error) ?? deadReason(join.error);

  if (dead) {
    return (
      <section className="chat-empty" data-testid="invite-dead">
        <h1>{t('inviteDeadTitle')}</h1>
        <p role="alert">{t(`inviteDead.${dead}`)}</p>
        <button type="button" className="button" onClick={() => navigate({ name: 'home' })}>
          {t('backToChats')}
        </button>
      </section>
    );
  }
  if (!preview.data) {
    return (
      <section className="chat-empty">
        {preview.error ? (
          <ErrorMessage error={preview.error} context="join" />
        ) : (
          <p className="empty">{t('loading')}</p>
        )}
      </section>
    );
  }
  const { chat, member } = preview.data;
  return (
    <section className="chat-empty invite-page" data-testid="invite-page">
      <h1>{chat.title}</h1>
      {chat.description && <p>{chat.description}</p>}
      <p>{t('memberCount', { count: chat.memberCount })}</p>
      {member ? (
        <button
          type="button"
          className="button button--primary"
          onClick={() => navigate({ name: 'chat', chatId: chat.id })}
        >
          {t('openChat')}
        </button>
      ) : (
        <button
          type="button"
          className="button button--primary"
          disabled={join.isPending}
          onClick={() => join.mutate(token)}
        >
          {t('joinChat')}
        </button>
      )}
      {!dead && <ErrorMessage error={join.error} context="join" />}
    </section>
  );
}
