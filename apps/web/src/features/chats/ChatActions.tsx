import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CreateGroupDialog } from './CreateGroupDialog';
import { DirectChatDialog } from './DirectChatDialog';
import { PublicChatsDialog } from './PublicChatsDialog';

type Open = 'group' | 'direct' | 'public' | null;

export function ChatActions() {
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  const { t } = useTranslation('chats');
  return (
    <div className="sidebar__actions">
      <button type="button" className="button" onClick={() => setOpen('group')}>
        {t('newGroup')}
      </button>
      <button type="button" className="button" onClick={() => setOpen('direct')}>
        {t('directMessage')}
      </button>
      <button type="button" className="button" onClick={() => setOpen('public')}>
        {t('browsePublic')}
      </button>
      {open === 'group' && <CreateGroupDialog onClose={close} />}
      {open === 'direct' && <DirectChatDialog onClose={close} />}
      {open === 'public' && <PublicChatsDialog onClose={close} />}
    </div>
  );
}
