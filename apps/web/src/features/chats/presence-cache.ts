import type { QueryClient } from '@tanstack/react-query';
import { queryKeys } from '../../api/query-keys';

/** userId → online. Server-owned and ephemeral; filled by subscribe replies and presence events. */
export type PresenceMap = Readonly<Record<string, boolean>>;

export function setPresence(qc: QueryClient, updates: PresenceMap): void {
  qc.setQueryData<PresenceMap>(queryKeys.presence(), (old) => ({ ...old, ...updates }));
}

/** After a reconnect nothing is known until the subscribe replies say who is online. */
export function resetPresence(qc: QueryClient): void {
  qc.setQueryData<PresenceMap>(queryKeys.presence(), {});
}
