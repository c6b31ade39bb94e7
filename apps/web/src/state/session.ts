import { usePresenceStore } from './presence';
import { useRemovedStore } from './removed';
import { useTypingStore } from './typing';

/** Signed out: the ephemeral stores forget the user's chats, like the query cache does. */
export function resetEphemeralState(): void {
  usePresenceStore.setState({ online: {} });
  useTypingStore.setState({ byChat: {} });
  useRemovedStore.setState({ removed: {} });
}
