import { create } from 'zustand';

/** Client-only view state: drafts per chat and whether the members panel is open. */
interface UiState {
  drafts: Record<string, string>;
  membersOpen: boolean;
  setDraft(chatId: string, text: string): void;
  toggleMembers(open?: boolean): void;
}

export const useUi = create<UiState>((set) => ({
  drafts: {},
  membersOpen: false,
  setDraft: (chatId, text) => set((s) => ({ drafts: { ...s.drafts, [chatId]: text } })),
  toggleMembers: (open) => set((s) => ({ membersOpen: open ?? !s.membersOpen })),
}));
