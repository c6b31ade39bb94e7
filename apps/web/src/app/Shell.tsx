import type { User } from '@chatsockets/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLogout } from '../features/auth/use-auth';
import { ChatActions } from '../features/chats/ChatActions';
import { ChatList } from '../features/chats/ChatList';
import { InvitePage } from '../features/chats/InvitePage';
import { ProfileCard } from '../features/people/ProfileCard';
import { ProfileDialog } from '../features/people/ProfileDialog';
import { SettingsDialog } from '../features/settings/SettingsDialog';
import { displayNameOf } from '../state/people';
import { useRoute } from '../stores/route.store';
import { ChatScreen } from './ChatScreen';
import { ConnectionStatus } from './ConnectionStatus';
import { SearchPanel } from './SearchPanel';
import { useFaviconBadge } from './use-favicon-badge';
import { useUnreadTitle } from './use-unread-title';

/** The signed-in frame: who you are, the connection, your chats, and the open chat. */
export function Shell({ user }: { user: User }) {
  const logout = useLogout(user);
  const route = useRoute((s) => s.route);
  const chatId = route.name === 'chat' ? route.chatId : null;
  useUnreadTitle();
  useFaviconBadge();
  const [profileOpen, setProfileOpen] = useState(false);
  const { t } = useTranslation();
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [searching, setSearching] = useState(false);
  return (
    <div className="shell">
      <header className="topbar">
        <span className="topbar__brand">{t('appName')}</span>
        <ConnectionStatus />
        <span className="topbar__spacer" />
        <button
          type="button"
          className="button"
          onClick={() => setSearching((s) => !s)}
          aria-pressed={searching}
          data-testid="open-search"
        >
          {t('search:open')}
        </button>
        <button
          type="button"
          className="topbar__user link"
          data-testid="current-user"
          title={`@${user.username}`}
          onClick={() => setProfileOpen(true)}
        >
          {displayNameOf(user)}
        </button>
        {profileOpen && <ProfileDialog user={user} onClose={() => setProfileOpen(false)} />}
        <ProfileCard selfId={user.id} />
        <button type="button" className="button" onClick={() => setSettingsOpen(true)}>
          {t('settings.open')}
        </button>
        {settingsOpen && <SettingsDialog onClose={() => setSettingsOpen(false)} />}
        <button type="button" className="button" onClick={() => logout.mutate()} disabled={logout.isPending}>
          {t('logOut')}
        </button>
      </header>
      <div className={`workspace${chatId || route.name === 'invite' ? ' workspace--chat-open' : ''}`}>
        <aside className="sidebar" aria-label={t('yourChats')}>
          <ChatActions />
          <ChatList activeChatId={chatId} />
        </aside>
        <main className="chat-pane">
          {route.name === 'invite' ? (
            <InvitePage key={route.token} token={route.token} />
          ) : searching ? (
            <SearchPanel self={user} chatId={chatId} onClose={() => setSearching(false)} />
          ) : chatId ? (
            <ChatScreen key={chatId} chatId={chatId} self={user} />
          ) : (
            <>
              {/* The page's one top-level heading when no chat is open (the chat's title is it otherwise). */}
              <h1 className="visually-hidden">{t('appName')}</h1>
              <p className="empty">{t('pickChat')}</p>
            </>
          )}
        </main>
      </div>
    </div>
  );
}
