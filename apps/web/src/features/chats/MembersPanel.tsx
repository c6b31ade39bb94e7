import { type Chat, can, type Member, type User } from '@chatsockets/protocol';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { chatDetailQuery } from '../../api/queries';
import { usePresence } from '../../state/presence';
import { useUi } from '../../stores/ui.store';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { AddMemberForm } from './AddMemberForm';
import { useChangeRole, useRemoveMember } from './use-chat-mutations';

// What the caller may do comes with the chat (`Chat.capabilities`, decided by the server's
// chats/access.ts); these only pick the capability that applies to a given member.

/** Someone else: a plain member needs `remove-members`, an admin `remove-admins`; leaving is separate. */
function canRemove(chat: Chat, member: Member, self: User): boolean {
  if (member.user.id === self.id) return false;
  if (member.role === 'member') return can(chat, 'remove-members');
  return member.role === 'admin' && can(chat, 'remove-admins');
}

function canChangeRole(chat: Chat, member: Member, self: User): boolean {
  return can(chat, 'change-roles') && member.role !== 'owner' && member.user.id !== self.id;
}

export function MembersPanel({ chat, self }: { chat: Chat; self: User }) {
  // Its own observer: opening the panel refetches, which is how a role change shows up.
  const detail = useQuery(chatDetailQuery(chat.id));
  const members = detail.data?.members ?? [];
  const remove = useRemoveMember(chat.id, self.id);
  const changeRole = useChangeRole(chat.id);
  const close = useUi((s) => s.toggleMembers);
  // Escape closes the panel, as it closes a dialog (#19 bug 8).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) close(false);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [close]);
  const isOnline = usePresence();
  const { t } = useTranslation('chats');
  return (
    <aside className="members" aria-labelledby="members-title">
      <div className="row">
        <h2 id="members-title" style={{ flex: 1 }}>
          {t('panel.title', { count: members.length })}
        </h2>
        <button
          type="button"
          className="icon-button"
          aria-label={t('panel.close')}
          onClick={() => close(false)}
        >
          ✕
        </button>
      </div>
      <ul className="member-list">
        {members.map((m) => {
          const online = m.user.id === self.id || isOnline(m.user.id);
          const changing = changeRole.isPending && changeRole.variables?.userId === m.user.id;
          return (
            <li
              key={m.user.id}
              className="member"
              data-testid="member"
              data-username={m.user.username}
              data-role={m.role}
            >
              <span className={`presence-dot${online ? ' presence-dot--online' : ''}`} aria-hidden="true" />
              <span className="member__name">
                {m.user.id === self.id ? t('panel.you', { name: m.user.username }) : m.user.username}
              </span>
              <span className="member__role">
                <span data-testid="member-role">{t(`panel.role.${m.role}`)}</span> ·{' '}
                <span data-testid="presence">{online ? t('online') : t('offline')}</span>
              </span>
              {(canChangeRole(chat, m, self) || canRemove(chat, m, self)) && (
                <span className="member__actions">
                  {canChangeRole(chat, m, self) && (
                    <button
                      type="button"
                      className="button button--small"
                      aria-label={t(m.role === 'admin' ? 'panel.revokeAdminNamed' : 'panel.makeAdminNamed', {
                        name: m.user.username,
                      })}
                      disabled={changing}
                      onClick={() =>
                        changeRole.mutate({
                          userId: m.user.id,
                          role: m.role === 'admin' ? 'member' : 'admin',
                        })
                      }
                    >
                      {m.role === 'admin' ? t('panel.revokeAdmin') : t('panel.makeAdmin')}
                    </button>
                  )}
                  {canRemove(chat, m, self) && (
                    <button
                      type="button"
                      className="button button--small"
                      aria-label={t('panel.removeNamed', { name: m.user.username })}
                      disabled={remove.isPending}
                      onClick={() => remove.mutate(m.user.id)}
                    >
                      {t('panel.remove')}
                    </button>
                  )}
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <ErrorMessage error={remove.error ?? changeRole.error} />
      {can(chat, 'add-members') && <AddMemberForm chatId={chat.id} />}
      {can(chat, 'leave') && (
        <button
          type="button"
          className="button button--danger"
          disabled={remove.isPending}
          onClick={() => remove.mutate(self.id)}
        >
          {t('panel.leave')}
        </button>
      )}
    </aside>
  );
}
