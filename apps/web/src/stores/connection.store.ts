import { create } from 'zustand';

/**
 * What the user sees about the live connection. `catching-up`: connected, re-subscribing and
 * fetching what was missed; `reconnecting`: waiting `nextAttemptAt` for the next try.
 */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'catching-up' | 'offline';

interface ConnectionState {
  status: ConnectionStatus;
  nextAttemptAt: number | null;
  /** The server speaks a newer protocol than this build; stays set until the page reloads. */
  reloadSuggested: boolean;
  set(status: ConnectionStatus, nextAttemptAt?: number | null): void;
  suggestReload(): void;
}

export const useConnection = create<ConnectionState>((set) => ({
  status: 'connecting',
  nextAttemptAt: null,
  reloadSuggested: false,
  set: (status, nextAttemptAt = null) => set({ status, nextAttemptAt }),
  suggestReload: () => set({ reloadSuggested: true }),
}));
