import { type Chat, can, LIMITS } from '@chatsockets/protocol';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../../ui/ConfirmButton';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { useDeleteChat, useUpdateChat } from './use-chat-mutations';

/** The owner's settings of a group chat: title and description (`edit-info`), deleting it (`delete-chat`). */
export function ChatSettingsDialog({ chat, onClose }: { chat: Chat; onClose(): void }) {
  const { t } = useTranslation('people');
  const update = useUpdateChat(chat.id);
  const remove = useDeleteChat(chat.id);
  const [title, setTitle] = useState(chat.title);
  const [description, setDescription] = useState(chat.description);
  const id = useId();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({ title, description }, { onSuccess: onClose });
  };

  return (
    <Dialog title={t('chatSettings')} onClose={onClose}>
      {can(chat, 'edit-info') && (
        <form className="stack" onSubmit={submit}>
          <div className="field">
            <label htmlFor={`${id}-title`}>{t('chatTitle')}</label>
            <input
              id={`${id}-title`}
              required
              maxLength={LIMITS.titleMax}
              value={title}
              onChange={(e) => setTitle(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-description`}>{t('chatDescription')}</label>
            <textarea
              id={`${id}-description`}
              rows={3}
              maxLength={LIMITS.descriptionMax}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          </div>
          <ErrorMessage error={update.error} />
          <div className="dialog__footer">
            <button type="button" className="button" onClick={onClose}>
              {t('cancel')}
            </button>
            <button type="submit" className="button button--primary" disabled={update.isPending}>
              {t('save')}
            </button>
          </div>
        </form>
      )}
      {can(chat, 'delete-chat') && (
        <div className="stack danger-zone">
          <ConfirmButton
            label={t('deleteChat')}
            className="button button--danger"
            question={t('deleteQuestion', { title: chat.title })}
            confirmLabel={t('deleteForEveryone')}
            cancelLabel={t('cancel')}
            disabled={remove.isPending}
            onConfirm={() => remove.mutate(undefined, { onSuccess: onClose })}
          />
          <ErrorMessage error={remove.error} />
        </div>
      )}
    </Dialog>
  );
}
