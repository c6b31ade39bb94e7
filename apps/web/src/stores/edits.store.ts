import type { ErrorCode } from '@chatsockets/protocol';
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

/**
 * Edits the server has not confirmed, by message id (#19 bug 4: editing offline lost the text).
 * Persisted like the outbox, so neither a lost connection nor a reload loses one; the realtime
 * EditSender delivers them. An edit is idempotent (it sets the body), so a resend is harmless.
 */
export interface PendingEdit {
  messageId: string;
  chatId: string;
  authorId: string;
  body: string;
  /** queued: waiting for a connection; sending: in flight; failed: refused, see `error`. */
  status: 'queued' | 'sending' | 'failed';
  error?: ErrorCode;
}

export const EDITS_STORAGE_KEY = 'chatsockets.edits.v1';

interface EditsState {
  edits: Record<string, PendingEdit>;
  put(edit: PendingEdit): void;
  update(messageId: string, patch: Partial<Pick<PendingEdit, 'status' | 'error'>>): void;
  remove(messageId: string): void;
  clearFor(authorId: string): void;
}

export const useEdits = create<EditsState>()(
  persist(
    (set) => ({
      edits: {},
      put: (edit) => set((s) => ({ edits: { ...s.edits, [edit.messageId]: edit } })),
      update: (messageId, patch) =>
        set((s) => {
          const e = s.edits[messageId];
          return e ? { edits: { ...s.edits, [messageId]: { ...e, ...patch } } } : s;
        }),
      remove: (messageId) =>
        set((s) => {
          const { [messageId]: _gone, ...rest } = s.edits;
          return { edits: rest };
        }),
      clearFor: (authorId) =>
        set((s) => ({
          edits: Object.fromEntries(Object.entries(s.edits).filter(([, e]) => e.authorId !== authorId)),
        })),
    }),
    {
      name: EDITS_STORAGE_KEY,
      version: 1,
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({ edits: s.edits }),
      // An edit cut short by a reload is simply queued again.
      merge: (persisted, current) => {
        const edits = (persisted as { edits?: Record<string, PendingEdit> } | undefined)?.edits ?? {};
        for (const e of Object.values(edits)) if (e.status === 'sending') e.status = 'queued';
        return { ...current, edits };
      },
    },
  ),
);

/** Another tab changed the queue: take its view, so an edit made there is neither lost nor doubled. */
export function syncEditsAcrossTabs(): () => void {
  const onStorage = (e: StorageEvent) => {
    if (e.key === EDITS_STORAGE_KEY) void useEdits.persist.rehydrate();
  };
  window.addEventListener('storage', onStorage);
  return () => window.removeEventListener('storage', onStorage);
}
