/** Every TanStack Query key the app uses, in one place (ARCHITECTURE › Conventions 8). */
export const queryKeys = {
  me: () => ['me'] as const,
  settings: () => ['me', 'settings'] as const,
  sessions: () => ['me', 'sessions'] as const,
  chats: () => ['chats'] as const,
  chatList: () => ['chats', 'list'] as const,
  publicChats: (q: string) => ['chats', 'public', q] as const,
  chat: (chatId: string) => ['chats', 'detail', chatId] as const,
  /** Every chat's detail (a prefix of `chat`). */
  chatDetails: () => ['chats', 'detail'] as const,
  messages: (chatId: string) => ['messages', chatId] as const,
  invites: (chatId: string) => ['chats', 'invites', chatId] as const,
  invitePreview: (token: string) => ['invite', token] as const,
  pins: (chatId: string) => ['pins', chatId] as const,
};
