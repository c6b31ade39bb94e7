import type { User } from '@chatsockets/protocol';
import { RealtimeProvider } from './realtime-context';
import { Shell } from './Shell';

/**
 * Everything behind sign-in, loaded as its own chunk (App imports it lazily): the socket, the
 * chat list, the message list. The sign-in page loads without them.
 */
export default function SignedIn({ user }: { user: User }) {
  return (
    <RealtimeProvider user={user}>
      <Shell user={user} />
    </RealtimeProvider>
  );
}
