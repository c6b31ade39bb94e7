import type { Attachment, ErrorCode } from '@chatsockets/protocol';
import { create } from 'zustand';

export interface UploadItem {
  key: string;
  name: string;
  size: number;
  loaded: number;
  status: 'uploading' | 'done' | 'failed';
  attachment?: Attachment;
  /** Why it failed, as the protocol's code: the tray words it in the user's language. */
  error?: ErrorCode;
}

/**
 * Per chat, the files attached to the next message. Kept here, not in the composer: the
 * composer unmounts when another chat opens, and its files (uploaded, or still uploading) went
 * with it. Not persisted: a finished upload rides the outbox once sent; one still uploading
 * cannot survive a reload (the page warns).
 */
export const useUploadsStore = create<{
  byChat: Readonly<Record<string, UploadItem[]>>;
  update(chatId: string, fn: (items: UploadItem[]) => UploadItem[]): void;
  /** Signed out: the next person on this page must not find them. */
  clear(): void;
}>((set) => ({
  byChat: {},
  update: (chatId, fn) => set((s) => ({ byChat: { ...s.byChat, [chatId]: fn(s.byChat[chatId] ?? []) } })),
  clear: () => set({ byChat: {} }),
}));
