import type { Chat, Member, User } from '@chatsockets/protocol';
import { useUi } from '../../stores/ui.store';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { AddMemberForm } from './AddMemberForm';
import { useRemoveMember } from './use-chat-mutations';
import { usePresence } from './use-presence';

const isManager = (chat: Chat) => chat.role === 'owner' || chat.role === 'admin';

/** PROTOCOL.md › Chats: owners/admins add to private chats, any member to public ones. */
export function canAddMembers(chat: Chat): boolean {
  if (chat.kind !== 'group' || chat.role === null) return false;
  return chat.visibility === 'public' || isManager(chat);
}

export function canRemove(chat: Chat, member: Member, self: User): boolean {
  return isManager(chat) && member.user.id !== self.id && member.role !== 'owner';
}

export function MembersPanel({ chat, members, self }: { chat: Chat; members: Member[]; self: User }) {
  const remove = useRemoveMember(chat.id, self.id);
  const close = useUi((s) => s.toggleMembers);
  const isOnline = usePresence();
  return (
    <aside className="members" aria-labelledby="members-title">
      <div className="row">
        <h2 id="members-title" style={{ flex: 1 }}>
          Members ({members.length})
        </h2>
        <button type="button" className="icon-button" aria-label="Close members" onClick={() => close(false)}>
          ✕
        </button>
      </div>
      <ul className="member-list">
        {members.map((m) => {
          const online = m.user.id === self.id || isOnline(m.user.id);
          return (
            <li key={m.user.id} className="member" data-testid="member" data-username={m.user.username}>
              <span className={`presence-dot${online ? ' presence-dot--online' : ''}`} aria-hidden="true" />
              <span className="member__name">
                {m.user.username}
                {m.user.id === self.id && ' (you)'}
              </span>
              <span className="member__role">
                {m.role} · <span data-testid="presence">{online ? 'online' : 'offline'}</span>
              </span>
              {canRemove(chat, m, self) && (
                <button
                  type="button"
                  className="button button--small"
                  aria-label={`Remove ${m.user.username}`}
                  disabled={remove.isPending}
                  onClick={() => remove.mutate(m.user.id)}
                >
                  Remove
                </button>
              )}
            </li>
          );
        })}
      </ul>
      <ErrorMessage error={remove.error} />
      {canAddMembers(chat) && <AddMemberForm chatId={chat.id} />}
      {chat.kind === 'group' && chat.role !== null && (
        <button
          type="button"
          className="button button--danger"
          disabled={remove.isPending}
          onClick={() => remove.mutate(self.id)}
        >
          Leave chat
        </button>
      )}
    </aside>
  );
}
