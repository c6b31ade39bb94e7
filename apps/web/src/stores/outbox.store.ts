import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { PendingMessage } from '../state/merge-messages';

// Messages the user wrote and the server has not acknowledged. Persisted, so a reload or a
// crash never loses one; each keeps its clientId, so a resend is idempotent (PROTOCOL.md › Messages).

export const OUTBOX_STORAGE_KEY = 'chatsockets.outbox.v1';

interface OutboxState {
  entries: PendingMessage[];
  add(entry: PendingMessage): void;
  update(clientId: string, patch: Partial<Pick<PendingMessage, 'status' | 'error' | 'retryable'>>): void;
  remove(clientId: string): void;
  /** Forget everything a user left behind (logout). */
  clearFor(authorId: string): void;
}

export const useOutbox = create<OutboxState>()(
  persist(
    (set) => ({
      entries: [],
      add: (entry) => set((s) => ({ entries: [...s.entries, entry] })),
      update: (clientId, patch) =>
        set((s) => ({ entries: s.entries.map((e) => (e.clientId === clientId ? { ...e, ...patch } : e)) })),
      remove: (clientId) => set((s) => ({ entries: s.entries.filter((e) => e.clientId !== clientId) })),
      clearFor: (authorId) => set((s) => ({ entries: s.entries.filter((e) => e.authorId !== authorId) })),
    }),
    {
      name: OUTBOX_STORAGE_KEY,
      version: 1,
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({ entries: s.entries }),
      // A send cut short by a reload is simply queued again (same clientId: no duplicate).
      merge: (persisted, current) => {
        const entries = ((persisted as { entries?: PendingMessage[] } | undefined)?.entries ?? []).map((e) =>
          e.status === 'sending' ? { ...e, status: 'queued' as const } : e,
        );
        return { ...current, entries };
      },
    },
  ),
);

/** Another tab of this origin changed the outbox: take its view, so neither tab drops an entry. */
export function syncOutboxAcrossTabs(): () => void {
  const onStorage = (e: StorageEvent) => {
    if (e.key === OUTBOX_STORAGE_KEY) void useOutbox.persist.rehydrate();
  };
  window.addEventListener('storage', onStorage);
  return () => window.removeEventListener('storage', onStorage);
}
