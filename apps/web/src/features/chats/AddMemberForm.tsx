import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { useAddMember } from './use-chat-mutations';

export function AddMemberForm({ chatId }: { chatId: string }) {
  const add = useAddMember(chatId);
  const [username, setUsername] = useState('');
  const id = useId();
  const { t } = useTranslation('chats');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(username.trim(), { onSuccess: () => setUsername('') });
  };
  return (
    <form className="stack" onSubmit={submit}>
      <div className="field">
        <label htmlFor={id}>{t('panel.addMember')}</label>
        <div className="row">
          <input
            id={id}
            required
            placeholder={t('panel.usernamePlaceholder')}
            autoCapitalize="none"
            spellCheck={false}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
          <button type="submit" className="button" disabled={add.isPending}>
            {t('panel.add')}
          </button>
        </div>
      </div>
      <ErrorMessage error={add.error} context="addMember" />
    </form>
  );
}
