import { type Chat, can, type Member, type User } from '@chatsockets/protocol';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { usePresence } from '../../state/presence';
import { useRoute } from '../../stores/route.store';
import { useUi } from '../../stores/ui.store';
import { relativeTime } from '../../ui/relative-time';
import { ChatSettingsDialog } from './ChatSettingsDialog';
import { useMuteChat } from './use-chat-mutations';

function subtitle(
  t: TFunction<'chats'>,
  chat: Chat,
  members: Member[] | undefined,
  self: User,
  isOnline: (id: string) => boolean,
  lastSeen: (iso: string) => string,
) {
  const kind = chat.visibility === 'public' ? t('publicGroup') : t('privateGroup');
  if (!members) return chat.kind === 'direct' ? t('directSubtitle') : kind;
  if (chat.kind === 'direct') {
    const other = members.find((m) => m.user.id !== self.id);
    if (other && isOnline(other.user.id)) return t('online');
    // "last seen" only when they show it: the server leaves the key out when they hide it (and
    // their online status with it: PROTOCOL.md › Presence), as Telegram's "last seen recently".
    if (other && !('lastSeenAt' in other.user)) return t('lastSeenRecently');
    return other?.user.lastSeenAt ? lastSeen(other.user.lastSeenAt) : t('offline');
  }
  const online = members.filter((m) => m.user.id === self.id || isOnline(m.user.id)).length;
  return t('subtitle', {
    kind,
    members: t('memberCount', { count: members.length }),
    online: t('onlineCount', { count: online }),
  });
}

export function ChatHeader({ chat, members, self }: { chat: Chat; members?: Member[]; self: User }) {
  const navigate = useRoute((s) => s.navigate);
  const membersOpen = useUi((s) => s.membersOpen);
  const toggleMembers = useUi((s) => s.toggleMembers);
  const isOnline = usePresence();
  const { t } = useTranslation('chats');
  const [settingsOpen, setSettingsOpen] = useState(false);
  const mute = useMuteChat(chat.id);
  const manages = can(chat, 'edit-info') || can(chat, 'delete-chat');
  return (
    <header className="chat-header">
      <button
        type="button"
        className="icon-button back"
        aria-label={t('backToChats')}
        onClick={() => navigate({ name: 'home' })}
      >
        ←
      </button>
      <div className="chat-header__titles">
        <h1>{chat.title}</h1>
        <div className="chat-header__sub" data-testid="chat-subtitle">
          {subtitle(t, chat, members, self, isOnline, (iso) =>
            t('people:lastSeen', { when: relativeTime(iso) }),
          )}
        </div>
        {chat.description && <Description text={chat.description} />}
      </div>
      {can(chat, 'post') && (
        <button
          type="button"
          className="button"
          aria-pressed={chat.muted}
          disabled={mute.isPending}
          onClick={() => mute.mutate(!chat.muted)}
        >
          {chat.muted ? t('people:unmute') : t('people:mute')}
        </button>
      )}
      {manages && (
        <button type="button" className="button" onClick={() => setSettingsOpen(true)}>
          {t('people:chatSettings')}
        </button>
      )}
      {settingsOpen && <ChatSettingsDialog chat={chat} onClose={() => setSettingsOpen(false)} />}
      <button type="button" className="button" aria-expanded={membersOpen} onClick={() => toggleMembers()}>
        {t('members')}
      </button>
    </header>
  );
}

/**
 * The chat's description, two lines until tapped: one of 500 characters took over half a
 * phone's screen under the title, leaving the conversation a strip.
 */
function Description({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  return (
    <button
      type="button"
      className={
        open ? 'chat-header__description' : 'chat-header__description chat-header__description--folded'
      }
      data-testid="chat-description"
      aria-expanded={open}
      onClick={() => setOpen((o) => !o)}
    >
      {text}
    </button>
  );
}
