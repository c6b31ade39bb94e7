import type { Chat, Member, User } from '@chatsockets/protocol';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { usePresence } from '../../state/presence';
import { useRoute } from '../../stores/route.store';
import { useUi } from '../../stores/ui.store';

function subtitle(
  t: TFunction<'chats'>,
  chat: Chat,
  members: Member[] | undefined,
  self: User,
  isOnline: (id: string) => boolean,
) {
  const kind = chat.visibility === 'public' ? t('publicGroup') : t('privateGroup');
  if (!members) return chat.kind === 'direct' ? t('directSubtitle') : kind;
  if (chat.kind === 'direct') {
    const other = members.find((m) => m.user.id !== self.id);
    return other && isOnline(other.user.id) ? t('online') : t('offline');
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
          {subtitle(t, chat, members, self, isOnline)}
        </div>
      </div>
      <button type="button" className="button" aria-expanded={membersOpen} onClick={() => toggleMembers()}>
        {t('members')}
      </button>
    </header>
  );
}
