import type { ChatDetailResponse, User } from '@chatsockets/protocol';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { chatsApi } from '../../api/chats.api';
import { upsertChat } from '../../state/chats';
import { displayNameOf } from '../../state/people';
import { usePresence } from '../../state/presence';
import { useProfileCard } from '../../stores/profile.store';
import { useRoute } from '../../stores/route.store';
import { Avatar } from '../../ui/Avatar';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { relativeTime } from '../../ui/relative-time';

/** What is known of someone's presence: online, last seen, or nothing (hidden). */
export function usePresenceText(user: Pick<User, 'id' | 'lastSeenAt'> | undefined): string | null {
  const { t } = useTranslation('people');
  const isOnline = usePresence();
  if (!user) return null;
  if (isOnline(user.id)) return t('online');
  if (user.lastSeenAt) return t('lastSeen', { when: relativeTime(user.lastSeenAt) });
  return user.lastSeenAt === null ? t('offline') : null;
}

/** The profile card, opened from any name or avatar (`useProfileCard`). */
export function ProfileCard({ selfId }: { selfId: string }) {
  const { t } = useTranslation('people');
  const open = useProfileCard((s) => s.open);
  const hide = useProfileCard((s) => s.hide);
  const qc = useQueryClient();
  const navigate = useRoute((s) => s.navigate);
  const user: User | undefined = open?.chatId
    ? qc
        .getQueryData<ChatDetailResponse>(['chats', 'detail', open.chatId])
        ?.members.find((m) => m.user.id === open.userId)?.user
    : undefined;
  const presence = usePresenceText(user);
  const direct = useMutation({
    mutationFn: (username: string) => chatsApi.direct(username),
    onSuccess: ({ chat }) => {
      upsertChat(qc, chat);
      hide();
      navigate({ name: 'chat', chatId: chat.id });
    },
  });
  if (!open) return null;
  const name = user ? displayNameOf(user) : open.username;
  return (
    <Dialog title={name} onClose={hide}>
      <div className="profile-card" data-testid="profile-card">
        <Avatar id={open.userId} name={name} url={user?.avatarUrl} size={64} />
        <p className="profile-card__username">@{open.username}</p>
        {presence && <p data-testid="profile-presence">{presence}</p>}
        <ErrorMessage error={direct.error} />
        <div className="dialog__footer">
          <button type="button" className="button" onClick={hide}>
            {t('close')}
          </button>
          {open.userId !== selfId && (
            <button
              type="button"
              className="button button--primary"
              disabled={direct.isPending}
              onClick={() => direct.mutate(open.username)}
            >
              {t('sendMessage')}
            </button>
          )}
        </div>
      </div>
    </Dialog>
  );
}
