import { LIMITS, type User } from '@chatsockets/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { authApi } from '../../api/auth.api';
import { queryKeys } from '../../state/query-keys';
import { Avatar } from '../../ui/Avatar';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { AccountSection } from './AccountSection';
import { NotificationSettings } from './NotificationSettings';

/** Your profile: the display name others see, and whether they see when you were last online. */
export function ProfileDialog({ user, onClose }: { user: User; onClose(): void }) {
  const { t } = useTranslation('people');
  const qc = useQueryClient();
  const settings = useQuery({
    queryKey: queryKeys.settings(),
    queryFn: ({ signal }) => authApi.settings(signal),
  });
  const [displayName, setDisplayName] = useState(user.displayName ?? '');
  const id = useId();
  const save = useMutation({
    mutationFn: async () => {
      const name = displayName.trim();
      const { user: updated } = await authApi.updateProfile({ displayName: name === '' ? null : name });
      qc.setQueryData(queryKeys.me(), updated);
    },
    onSuccess: onClose,
  });
  const avatar = useMutation({
    mutationFn: (file: File) => authApi.uploadAvatar(file),
    onSuccess: (r) => qc.setQueryData(queryKeys.me(), r.user),
  });
  const removeAvatar = useMutation({
    mutationFn: () => authApi.removeAvatar(),
    onSuccess: (r) => qc.setQueryData(queryKeys.me(), r.user),
  });
  const lastSeen = useMutation({
    mutationFn: (showLastSeen: boolean) => authApi.updateSettings({ showLastSeen }),
    onSuccess: (r) => qc.setQueryData(queryKeys.settings(), r),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Dialog title={t('profile')} onClose={onClose}>
      <div className="row">
        <Avatar id={user.id} name={user.displayName ?? user.username} url={user.avatarUrl} size={56} />
        <label className="button button--small" htmlFor={`${id}-avatar`}>
          {t('uploadAvatar')}
        </label>
        <input
          id={`${id}-avatar`}
          className="visually-hidden"
          type="file"
          accept="image/png,image/jpeg,image/webp,image/gif"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) avatar.mutate(file);
            e.target.value = '';
          }}
        />
        {user.avatarUrl && (
          <button type="button" className="button button--small" onClick={() => removeAvatar.mutate()}>
            {t('removeAvatar')}
          </button>
        )}
      </div>
      <ErrorMessage error={avatar.error ?? removeAvatar.error} />
      <form className="stack" onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('displayName')}</label>
          <input
            id={`${id}-name`}
            maxLength={LIMITS.displayNameMax}
            placeholder={user.username}
            aria-describedby={`${id}-hint`}
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
          />
          <p id={`${id}-hint`} className="hint">
            {t('displayNameHint', { username: user.username })}
          </p>
        </div>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={settings.data?.settings.showLastSeen ?? true}
            disabled={!settings.data || lastSeen.isPending}
            onChange={(e) => lastSeen.mutate(e.target.checked)}
          />
          {t('showLastSeen')}
        </label>
        <ErrorMessage error={save.error ?? lastSeen.error ?? settings.error} />
        <div className="dialog__footer">
          <button type="button" className="button" onClick={onClose}>
            {t('cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled={save.isPending}>
            {t('save')}
          </button>
        </div>
      </form>
      <NotificationSettings />
      <AccountSection />
    </Dialog>
  );
}
