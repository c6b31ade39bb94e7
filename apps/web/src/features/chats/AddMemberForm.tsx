import { AddMemberBodySchema } from '@chatsockets/protocol';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { FieldError } from '../../ui/FieldError';
import { useFieldErrors } from '../../ui/use-field-errors';
import { useAddMember } from './use-chat-mutations';

export function AddMemberForm({ chatId }: { chatId: string }) {
  const add = useAddMember(chatId);
  const [username, setUsername] = useState('');
  const id = useId();
  const { t } = useTranslation('chats');
  const v = useFieldErrors<'username'>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = v.check(AddMemberBodySchema, { username: username.trim() });
    if (body) add.mutate(body.username, { onSuccess: () => setUsername('') });
  };
  return (
    <form className="stack" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={id}>{t('panel.addMember')}</label>
        <div className="row">
          <input
            {...v.field('username', id)}
            required
            placeholder={t('panel.usernamePlaceholder')}
            autoCapitalize="none"
            spellCheck={false}
            value={username}
            onChange={(e) => {
              setUsername(e.target.value);
              v.clear('username');
            }}
          />
          <button type="submit" className="button" disabled={add.isPending}>
            {t('panel.add')}
          </button>
        </div>
        <FieldError id={id} error={v.errors.username} />
      </div>
      <ErrorMessage error={add.error} context="addMember" />
    </form>
  );
}
