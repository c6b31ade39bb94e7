import type {
  Chat,
  CreateChatBody,
  CreateInviteBody,
  UpdateChatBody,
  UpdateMemberBody,
} from '@chatsockets/protocol';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { chatsApi } from '../../api/chats.api';
import { applyChatInfo, applyMuted, removeChat, upsertChat } from '../../state/chats';
import { putMember, removeMember } from '../../state/members';
import { queryKeys } from '../../state/query-keys';
import { clearRemoved, markLeft, markRemoved } from '../../state/removed';
import { useRoute } from '../../stores/route.store';

/** After creating, opening or joining a chat: put it in the list and go there. */
function useOpenChat() {
  const qc = useQueryClient();
  const navigate = useRoute((s) => s.navigate);
  return (chat: Chat) => {
    clearRemoved(chat.id);
    upsertChat(qc, chat);
    navigate({ name: 'chat', chatId: chat.id });
  };
}

export function useCreateChat() {
  const open = useOpenChat();
  return useMutation({
    mutationFn: (body: CreateChatBody) => chatsApi.create(body),
    onSuccess: (r) => open(r.chat),
  });
}

export function useDirectChat() {
  const open = useOpenChat();
  return useMutation({
    mutationFn: (username: string) => chatsApi.direct(username),
    onSuccess: (r) => open(r.chat),
  });
}

export function useJoinChat() {
  const qc = useQueryClient();
  const open = useOpenChat();
  return useMutation({
    mutationFn: (chatId: string) => chatsApi.join(chatId),
    onSuccess: (r) => {
      open(r.chat);
      void qc.invalidateQueries({ queryKey: queryKeys.chat(r.chat.id) });
    },
  });
}

export function useAddMember(chatId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (username: string) => chatsApi.addMember(chatId, username),
    onSuccess: ({ member }) => putMember(qc, chatId, member),
  });
}

/** The owner makes a member an admin, or an admin a plain member again. */
export function useChangeRole(chatId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string } & UpdateMemberBody) =>
      chatsApi.setRole(chatId, userId, { role }),
    onSuccess: ({ member }) => putMember(qc, chatId, member),
  });
}

/** Remove someone (owner/admin), or leave when `userId` is the caller. */
export function useRemoveMember(chatId: string, selfId: string) {
  const qc = useQueryClient();
  const navigate = useRoute((s) => s.navigate);
  return useMutation({
    mutationFn: (userId: string) => chatsApi.removeMember(chatId, userId),
    onSuccess: (_r, userId) => {
      if (userId === selfId) {
        markLeft(chatId);
        removeChat(qc, chatId);
        navigate({ name: 'home' });
      } else {
        removeMember(qc, chatId, userId);
      }
    },
  });
}

/** The owner renames the chat or sets its description. */
export function useUpdateChat(chatId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateChatBody) => chatsApi.update(chatId, body),
    onSuccess: ({ chat }) => applyChatInfo(qc, chatId, chat),
  });
}

/** The owner deletes the chat: gone from the list, and back to the list. */
export function useDeleteChat(chatId: string) {
  const qc = useQueryClient();
  const navigate = useRoute((s) => s.navigate);
  return useMutation({
    mutationFn: () => chatsApi.remove(chatId),
    onSuccess: () => {
      markRemoved(chatId, 'deleted');
      removeChat(qc, chatId);
      navigate({ name: 'home' });
    },
  });
}

export function useCreateInvite(chatId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateInviteBody) => chatsApi.createInvite(chatId, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.invites(chatId) }),
  });
}

export function useRevokeInvite(chatId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (inviteId: string) => chatsApi.revokeInvite(chatId, inviteId),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.invites(chatId) }),
  });
}

/** Joins through an invite link and opens the chat. */
export function useJoinByInvite() {
  const qc = useQueryClient();
  const open = useOpenChat();
  return useMutation({
    mutationFn: (token: string) => chatsApi.joinByInvite(token),
    onSuccess: (r) => {
      open(r.chat);
      void qc.invalidateQueries({ queryKey: queryKeys.chat(r.chat.id) });
    },
  });
}

/** Mute or unmute the chat for yourself; your other tabs and devices follow (`chat.muted`). */
export function useMuteChat(chatId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (muted: boolean) => chatsApi.mute(chatId, muted),
    onSuccess: (_r, muted) => applyMuted(qc, chatId, muted),
  });
}
