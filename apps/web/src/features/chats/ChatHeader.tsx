import { type Chat, can, type Member, type User } from '@chatsockets/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { usePresence } from '../../state/presence';
import { useRoute } from '../../stores/route.store';
import { useUi } from '../../stores/ui.store';
import { relativeTime } from '../../ui/relative-time';
import { ChatSettingsDialog } from './ChatSettingsDialog';
import { useMuteChat } from './use-chat-mutations';

function subtitle(
  chat: Chat,
  members: Member[] | undefined,
  self: User,
  isOnline: (id: string) => boolean,
  lastSeen: (iso: string) => string,
) {
  if (!members) return chat.kind === 'direct' ? 'Direct message' : `${chat.visibility} group`;
  if (chat.kind === 'direct') {
    const other = members.find((m) => m.user.id !== self.id);
    if (other && isOnline(other.user.id)) return 'online';
    // "last seen" only when they show it (the server leaves it out otherwise).
    return other?.user.lastSeenAt ? lastSeen(other.user.lastSeenAt) : 'offline';
  }
  const online = members.filter((m) => m.user.id === self.id || isOnline(m.user.id)).length;
  const visibility = chat.visibility === 'public' ? 'Public' : 'Private';
  return `${visibility} group · ${members.length} member${members.length === 1 ? '' : 's'} · ${online} online`;
}

export function ChatHeader({ chat, members, self }: { chat: Chat; members?: Member[]; self: User }) {
  const navigate = useRoute((s) => s.navigate);
  const membersOpen = useUi((s) => s.membersOpen);
  const toggleMembers = useUi((s) => s.toggleMembers);
  const isOnline = usePresence();
  const { t } = useTranslation('people');
  const [settingsOpen, setSettingsOpen] = useState(false);
  const mute = useMuteChat(chat.id);
  const manages = can(chat, 'edit-info') || can(chat, 'delete-chat');
  return (
    <header className="chat-header">
      <button
        type="button"
        className="icon-button back"
        aria-label="Back to chats"
        onClick={() => navigate({ name: 'home' })}
      >
        ←
      </button>
      <div className="chat-header__titles">
        <h1>{chat.title}</h1>
        <div className="chat-header__sub" data-testid="chat-subtitle">
          {subtitle(chat, members, self, isOnline, (iso) => t('lastSeen', { when: relativeTime(iso) }))}
        </div>
        {chat.description && (
          <p className="chat-header__description" data-testid="chat-description">
            {chat.description}
          </p>
        )}
      </div>
      {can(chat, 'post') && (
        <button
          type="button"
          className="button"
          aria-pressed={chat.muted}
          disabled={mute.isPending}
          onClick={() => mute.mutate(!chat.muted)}
        >
          {chat.muted ? t('unmute') : t('mute')}
        </button>
      )}
      {manages && (
        <button type="button" className="button" onClick={() => setSettingsOpen(true)}>
          {t('chatSettings')}
        </button>
      )}
      {settingsOpen && <ChatSettingsDialog chat={chat} onClose={() => setSettingsOpen(false)} />}
      <button type="button" className="button" aria-expanded={membersOpen} onClick={() => toggleMembers()}>
        Members
      </button>
    </header>
  );
}
