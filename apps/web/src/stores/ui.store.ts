import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

/** The message a draft answers, as the composer shows it. */
export interface ReplyTarget {
  id: string;
  seq: number;
  author: string;
  preview: string;
}

/** Client-only view state: drafts per chat, the message being edited, whether the members panel is open. */
interface UiState {
  drafts: Record<string, string>;
  /** Per chat, the message the next send replies to (not persisted: a reload starts plain). */
  replyTo: Record<string, ReplyTarget>;
  setReplyTo(chatId: string, target: ReplyTarget | null): void;
  membersOpen: boolean;
  /**
   * The message being edited (one at a time): opened from its actions, or by ↑ in an empty
   * composer. `text` is what the editor holds once typed in: kept here, not in the editor, whose
   * row the virtualized list unmounts when it scrolls far enough away.
   */
  editing: { chatId: string; messageId: string; text?: string } | null;
  setEditing(editing: { chatId: string; messageId: string } | null): void;
  setEditText(text: string): void;
  setDraft(chatId: string, text: string): void;
  /** Forget every draft (sign-out: a shared computer must not show the next person yours). */
  clearDrafts(): void;
  toggleMembers(open?: boolean): void;
  /** A chat opened from the keyboard: its composer takes the focus once it is on screen (#19 bug 8). */
  focusComposerOf: string | null;
  requestComposerFocus(chatId: string | null): void;
}

export const DRAFTS_STORAGE_KEY = 'chatsockets.drafts.v1';

export const useUi = create<UiState>()(
  persist(
    (set) => ({
      drafts: {},
      replyTo: {},
      setReplyTo: (chatId, target) =>
        set((s) => {
          if (target) return { replyTo: { ...s.replyTo, [chatId]: target } };
          const { [chatId]: _gone, ...rest } = s.replyTo;
          return { replyTo: rest };
        }),
      membersOpen: false,
      editing: null,
      setEditing: (editing) => set({ editing }),
      setEditText: (text) => set((s) => (s.editing ? { editing: { ...s.editing, text } } : s)),
      setDraft: (chatId, text) =>
        set((s) => {
          if (text) return { drafts: { ...s.drafts, [chatId]: text } };
          const { [chatId]: _gone, ...rest } = s.drafts;
          return { drafts: rest };
        }),
      clearDrafts: () => set({ drafts: {} }),
      toggleMembers: (open) => set((s) => ({ membersOpen: open ?? !s.membersOpen })),
      focusComposerOf: null,
      requestComposerFocus: (chatId) => set({ focusComposerOf: chatId }),
    }),
    {
      // Drafts survive a reload, as in every messenger (#19 bug 9); the panel does not.
      name: DRAFTS_STORAGE_KEY,
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({ drafts: s.drafts }),
    },
  ),
);

/**
 * Another tab of this origin changed the drafts: take its view. Each tab writes its whole map on
 * every keystroke, so without this a tab opened earlier overwrote the drafts typed in another
 * since (lost at the next reload), and brought back one the other had sent.
 */
export function syncDraftsAcrossTabs(): () => void {
  const onStorage = (e: StorageEvent) => {
    if (e.key === DRAFTS_STORAGE_KEY) void useUi.persist.rehydrate();
  };
  window.addEventListener('storage', onStorage);
  return () => window.removeEventListener('storage', onStorage);
}
