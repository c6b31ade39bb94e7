import { create } from 'zustand';

/**
 * "Open the chat at this message": set by search, consumed by the chat's message list, which
 * loads history until the message is there, scrolls to it and highlights it.
 */
interface JumpState {
  target: { chatId: string; seq: number } | null;
  /** The message shown highlighted after a jump (until the next jump or chat). */
  highlighted: { chatId: string; seq: number } | null;
  jump(chatId: string, seq: number): void;
  arrived(): void;
}

export const useJump = create<JumpState>((set) => ({
  target: null,
  highlighted: null,
  jump: (chatId, seq) => set({ target: { chatId, seq }, highlighted: { chatId, seq } }),
  arrived: () => set({ target: null }),
}));
