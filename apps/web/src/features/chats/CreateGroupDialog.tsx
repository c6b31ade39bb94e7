import type { Visibility } from '@chatsockets/protocol';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { useCreateChat } from './use-chat-mutations';

export function parseUsernames(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

export function CreateGroupDialog({ onClose }: { onClose(): void }) {
  const create = useCreateChat();
  const [title, setTitle] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('private');
  const [members, setMembers] = useState('');
  const id = useId();
  const { t } = useTranslation('chats');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ title, visibility, members: parseUsernames(members) }, { onSuccess: onClose });
  };

  return (
    <Dialog title={t('createGroup.title')} onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-title`}>{t('createGroup.chatTitle')}</label>
          <input id={`${id}-title`} required value={title} onChange={(e) => setTitle(e.target.value)} />
        </div>
        <fieldset className="field fieldset">
          <legend className="legend">{t('createGroup.visibility')}</legend>
          <div className="radio-row">
            {(['private', 'public'] as const).map((v) => (
              <label key={v}>
                <input
                  type="radio"
                  name="visibility"
                  value={v}
                  checked={visibility === v}
                  onChange={() => setVisibility(v)}
                />
                {t(`createGroup.${v}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-members`}>{t('createGroup.members')}</label>
          <input
            id={`${id}-members`}
            placeholder={t('createGroup.membersPlaceholder')}
            aria-describedby={`${id}-members-hint`}
            value={members}
            onChange={(e) => setMembers(e.target.value)}
          />
          <p id={`${id}-members-hint`} className="hint">
            {t('createGroup.membersHint')}
          </p>
        </div>
        <ErrorMessage error={create.error} context="createGroup" />
        <div className="dialog__footer">
          <button type="button" className="button" onClick={onClose}>
            {t('common:cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled={create.isPending}>
            {t('createGroup.create')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
