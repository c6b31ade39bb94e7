import { useQuery } from '@tanstack/react-query';
import { readersQuery } from '../../api/queries';

/** "Seen by …" under the user's latest message (readers endpoint, polled while shown). */
export function SeenBy({ chatId, messageId }: { chatId: string; messageId: string }) {
  const readers = useQuery(readersQuery(chatId, messageId));
  const names = readers.data?.readers.map((r) => r.username) ?? [];
  return <span data-testid="seen-by">{names.length > 0 ? `Seen by ${names.join(', ')}` : 'Sent'}</span>;
}
