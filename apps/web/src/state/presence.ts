import { create } from 'zustand';

/** userId → online. Server-owned and ephemeral; filled by subscribe replies and presence events. */
export type PresenceMap = Readonly<Record<string, boolean>>;

export const usePresenceStore = create<{ online: PresenceMap }>(() => ({ online: {} }));

export function setPresence(updates: PresenceMap): void {
  usePresenceStore.setState((s) => ({ online: { ...s.online, ...updates } }));
}

/** After a reconnect nothing is known until the subscribe replies say who is online. */
export function resetPresence(): void {
  usePresenceStore.setState({ online: {} });
}

/** Whether each user is online, as the server last said. */
export function usePresence(): (userId: string) => boolean {
  const online = usePresenceStore((s) => s.online);
  return (userId) => online[userId] === true;
}
