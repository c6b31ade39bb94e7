import { create } from 'zustand';

/** Whose profile card is open, and in which chat it was asked for (for their full entry). */
export const useProfileCard = create<{
  open: { userId: string; username: string; chatId?: string } | null;
  show(who: { userId: string; username: string; chatId?: string }): void;
  hide(): void;
}>((set) => ({
  open: null,
  show: (who) => set({ open: who }),
  hide: () => set({ open: null }),
}));
