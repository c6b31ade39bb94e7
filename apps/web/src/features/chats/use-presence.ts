import { useQuery } from '@tanstack/react-query';
import { presenceQuery } from '../../api/queries';

/** Whether each user is online, as the server last said (subscribe replies, presence events). */
export function usePresence(): (userId: string) => boolean {
  const { data } = useQuery(presenceQuery());
  return (userId) => data?.[userId] === true;
}
