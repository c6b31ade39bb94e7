import { useQuery } from '@tanstack/react-query';
import { chatDetailQuery } from '../../api/queries';
import { displayNameOf } from '../../state/people';
import { useProfileCard } from '../../stores/profile.store';
import { Avatar } from '../../ui/Avatar';

/**
 * A message's author as people know them: their avatar and display name (from the chat's
 * members; the username for someone who left), opening their profile card.
 */
export function AuthorName(props: { chatId: string; authorId: string; username: string }) {
  // Reads the detail the chat screen loads; never fetches per message.
  const known = useQuery({
    ...chatDetailQuery(props.chatId),
    enabled: false,
    select: (d) => {
      const user = d.members.find((m) => m.user.id === props.authorId)?.user;
      return user ? { name: displayNameOf(user), avatarUrl: user.avatarUrl } : undefined;
    },
  }).data;
  const name = known?.name;
  const show = useProfileCard((s) => s.show);
  const shown = name ?? props.username;
  return (
    <button
      type="button"
      className="message__author link"
      onClick={() => show({ userId: props.authorId, username: props.username, chatId: props.chatId })}
    >
      <Avatar id={props.authorId} name={shown} url={known?.avatarUrl} size={20} />
      <span className="message__author-name">{shown}</span>
    </button>
  );
}
