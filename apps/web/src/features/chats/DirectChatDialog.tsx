import { DirectChatBodySchema } from '@chatsockets/protocol';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { FieldError } from '../../ui/FieldError';
import { useFieldErrors } from '../../ui/use-field-errors';
import { useDirectChat } from './use-chat-mutations';

export function DirectChatDialog({ onClose }: { onClose(): void }) {
  const direct = useDirectChat();
  const [username, setUsername] = useState('');
  const id = useId();
  const { t } = useTranslation('chats');
  const v = useFieldErrors<'username'>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = v.check(DirectChatBodySchema, { username: username.trim() });
    if (body) direct.mutate(body.username, { onSuccess: onClose });
  };
  return (
    <Dialog title={t('direct.title')} onClose={onClose}>
      <form className="stack" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={id}>{t('direct.username')}</label>
          <input
            {...v.field('username', id)}
            required
            autoCapitalize="none"
            spellCheck={false}
            value={username}
            onChange={(e) => {
              setUsername(e.target.value);
              v.clear('username');
            }}
          />
          <FieldError id={id} error={v.errors.username} />
        </div>
        <ErrorMessage error={direct.error} context="direct" />
        <div className="dialog__footer">
          <button type="button" className="button" onClick={onClose}>
            {t('common:cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled={direct.isPending}>
            {t('direct.start')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
