import type { ChatInvite } from '@chatsockets/protocol';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { invitesQuery } from '../../api/queries';
import { currentLocale } from '../../i18n';
import { ConfirmButton } from '../../ui/ConfirmButton';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { useCreateInvite, useRevokeInvite } from './use-chat-mutations';

const EXPIRY_CHOICES = [
  ['never', undefined],
  ['hour', 3600],
  ['day', 86_400],
  ['week', 7 * 86_400],
] as const;

export const inviteUrl = (token: string) => `${window.location.origin}/invite/${token}`;

/** A group chat's invite links, for its owner and admins (capability `invite`). */
export function InviteLinks({ chatId }: { chatId: string }) {
  const { t } = useTranslation('people');
  const invites = useQuery(invitesQuery(chatId));
  const create = useCreateInvite(chatId);
  const revoke = useRevokeInvite(chatId);
  const [expiry, setExpiry] = useState<(typeof EXPIRY_CHOICES)[number][0]>('never');
  const [maxUses, setMaxUses] = useState('');
  const id = useId();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const seconds = EXPIRY_CHOICES.find(([k]) => k === expiry)?.[1];
    const uses = maxUses.trim() === '' ? undefined : Number(maxUses);
    create.mutate({
      ...(seconds ? { expiresInSeconds: seconds } : {}),
      ...(uses ? { maxUses: uses } : {}),
    });
  };

  return (
    <section className="invites" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('inviteLinks')}</h3>
      <ul className="invite-list">
        {invites.data?.invites.map((invite) => (
          <InviteRow
            key={invite.id}
            invite={invite}
            revoking={revoke.isPending}
            onRevoke={() => revoke.mutate(invite.id)}
          />
        ))}
      </ul>
      <form className="stack" onSubmit={submit}>
        <div className="row">
          <label htmlFor={`${id}-expiry`}>{t('expires')}</label>
          <select
            id={`${id}-expiry`}
            value={expiry}
            onChange={(e) => setExpiry(e.target.value as typeof expiry)}
          >
            {EXPIRY_CHOICES.map(([key]) => (
              <option key={key} value={key}>
                {t(`expiry.${key}`)}
              </option>
            ))}
          </select>
          <label htmlFor={`${id}-uses`}>{t('maxUses')}</label>
          <input
            id={`${id}-uses`}
            type="number"
            min={1}
            max={100000}
            inputMode="numeric"
            placeholder={t('unlimited')}
            value={maxUses}
            onChange={(e) => setMaxUses(e.target.value)}
            style={{ width: '7em' }}
          />
        </div>
        <button type="submit" className="button button--small" disabled={create.isPending}>
          {t('createInvite')}
        </button>
      </form>
      <ErrorMessage error={invites.error ?? create.error ?? revoke.error} />
    </section>
  );
}

function InviteRow(props: { invite: ChatInvite; revoking: boolean; onRevoke(): void }) {
  const { t } = useTranslation('people');
  const { invite } = props;
  const url = inviteUrl(invite.token);
  const [copied, setCopied] = useState(false);
  const date = (iso: string) =>
    new Intl.DateTimeFormat(currentLocale(), { dateStyle: 'medium', timeStyle: 'short' }).format(
      new Date(iso),
    );
  return (
    <li className="invite" data-testid="invite">
      <input readOnly aria-label={t('inviteLink')} value={url} onFocus={(e) => e.currentTarget.select()} />
      <span className="invite__meta">
        {invite.maxUses === null
          ? t('usesUnlimited', { count: invite.uses })
          : t('usesOf', { count: invite.uses, max: invite.maxUses })}
        {invite.expiresAt && ` · ${t('expiresAt', { date: date(invite.expiresAt) })}`}
      </span>
      <button
        type="button"
        className="button button--small"
        onClick={() =>
          navigator.clipboard?.writeText(url).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? t('copied') : t('copy')}
      </button>
      <ConfirmButton
        label={t('revoke')}
        question={t('revokeQuestion')}
        confirmLabel={t('revoke')}
        cancelLabel={t('cancel')}
        disabled={props.revoking}
        onConfirm={props.onRevoke}
      />
    </li>
  );
}
