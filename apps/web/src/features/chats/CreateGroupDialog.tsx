import { CreateChatBodySchema, type Visibility } from '@chatsockets/protocol';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { FieldError } from '../../ui/FieldError';
import { useFieldErrors } from '../../ui/use-field-errors';
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
  const v = useFieldErrors<'title' | 'members'>();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = v.check(CreateChatBodySchema, { title, visibility, members: parseUsernames(members) });
    if (body) create.mutate(body, { onSuccess: onClose });
  };

  return (
    <Dialog title={t('createGroup.title')} onClose={onClose}>
      <form className="stack" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-title`}>{t('createGroup.chatTitle')}</label>
          <input
            {...v.field('title', `${id}-title`)}
            required
            value={title}
            onChange={(e) => {
              setTitle(e.target.value);
              v.clear('title');
            }}
          />
          <FieldError id={`${id}-title`} error={v.errors.title} />
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
            {...v.field('members', `${id}-members`, `${id}-members-hint`)}
            placeholder={t('createGroup.membersPlaceholder')}
            value={members}
            onChange={(e) => {
              setMembers(e.target.value);
              v.clear('members');
            }}
          />
          <FieldError id={`${id}-members`} error={v.errors.members} />
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
