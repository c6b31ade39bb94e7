import type { User } from '@chatsockets/protocol';
import { useLogout } from '../features/auth/use-auth';
import { ConnectionStatus } from './ConnectionStatus';

/** The signed-in frame: who you are, the connection, and the chat area. */
export function Shell({ user }: { user: User }) {
  const logout = useLogout(user);
  return (
    <div className="shell">
      <header className="topbar">
        <span className="topbar__brand">Chatsockets</span>
        <ConnectionStatus />
        <span className="topbar__spacer" />
        <span className="topbar__user" data-testid="current-user">
          {user.username}
        </span>
        <button type="button" className="button" onClick={() => logout.mutate()} disabled={logout.isPending}>
          Log out
        </button>
      </header>
      <main className="workspace" />
    </div>
  );
}
