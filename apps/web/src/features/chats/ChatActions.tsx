import { useState } from 'react';
import { CreateGroupDialog } from './CreateGroupDialog';
import { DirectChatDialog } from './DirectChatDialog';
import { PublicChatsDialog } from './PublicChatsDialog';

type Open = 'group' | 'direct' | 'public' | null;

export function ChatActions() {
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  return (
    <div className="sidebar__actions">
      <button type="button" className="button" onClick={() => setOpen('group')}>
        New group
      </button>
      <button type="button" className="button" onClick={() => setOpen('direct')}>
        Direct message
      </button>
      <button type="button" className="button" onClick={() => setOpen('public')}>
        Browse public
      </button>
      {open === 'group' && <CreateGroupDialog onClose={close} />}
      {open === 'direct' && <DirectChatDialog onClose={close} />}
      {open === 'public' && <PublicChatsDialog onClose={close} />}
    </div>
  );
}
