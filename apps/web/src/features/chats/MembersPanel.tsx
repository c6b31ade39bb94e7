import { type Chat, can, type Member, type User } from '@chatsockets/protocol';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { chatDetailQuery } from '../../api/queries';
import { displayNameOf } from '../../state/people';
import { usePresence } from '../../state/presence';
import { useProfileCard } from '../../stores/profile.store';
import { useUi } from '../../stores/ui.store';
import { Avatar } from '../../ui/Avatar';
import { ConfirmButton } from '../../ui/ConfirmButton';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { AddMemberForm } from './AddMemberForm';
import { InviteLinks } from './InviteLinks';
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
  const showProfile = useProfileCard((s) => s.show);
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
              <button
                type="button"
                className="member__name link"
                onClick={() => showProfile({ userId: m.user.id, username: m.user.username, chatId: chat.id })}
              >
                <Avatar id={m.user.id} name={displayNameOf(m.user)} url={m.user.avatarUrl} size={24} />
                {m.user.id === self.id
                  ? t('panel.you', { name: displayNameOf(m.user) })
                  : displayNameOf(m.user)}
              </button>
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
                    <ConfirmButton
                      label={t('panel.remove')}
                      ariaLabel={t('panel.removeNamed', { name: m.user.username })}
                      question={t('people:removeQuestion', { name: m.user.username })}
                      confirmLabel={t('people:remove')}
                      cancelLabel={t('people:cancel')}
                      disabled={remove.isPending}
                      onConfirm={() => remove.mutate(m.user.id)}
                    />
                  )}
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <ErrorMessage error={remove.error ?? changeRole.error} />
      {can(chat, 'add-members') && <AddMemberForm chatId={chat.id} />}
      {can(chat, 'invite') && <InviteLinks chatId={chat.id} />}
      {can(chat, 'leave') && (
        <ConfirmButton
          label={t('panel.leave')}
          className="button button--danger"
          question={t('people:leaveQuestion')}
          confirmLabel={t('people:leave')}
          cancelLabel={t('people:cancel')}
          disabled={remove.isPending}
          onConfirm={() => remove.mutate(self.id)}
        />
      )}
    </aside>
  );
}
