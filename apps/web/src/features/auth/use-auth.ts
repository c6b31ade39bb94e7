import type { Credentials, User } from '@chatsockets/protocol';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { authApi } from '../../api/auth.api';
import { queryKeys } from '../../state/query-keys';
import { resetEphemeralState } from '../../state/session';
import { useEdits } from '../../stores/edits.store';
import { useOutbox } from '../../stores/outbox.store';
import { afterSignIn, useRoute } from '../../stores/route.store';
import { useUi } from '../../stores/ui.store';
import { useUploadsStore } from '../../stores/uploads.store';

/** Signed out (logout here, 4401 from another tab, or a 401): forget the user's data. */
export function useEndSession(): (userId?: string) => void {
  const qc = useQueryClient();
  return useCallback(
    (userId?: string) => {
      if (userId) useOutbox.getState().clearFor(userId);
      if (userId) useEdits.getState().clearFor(userId);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.me()[0] });
      resetEphemeralState();
      useUi.getState().clearDrafts();
      useUploadsStore.getState().clear();
      qc.setQueryData<User | null>(queryKeys.me(), null);
      useRoute.getState().navigate({ name: 'login' }, { replace: true });
    },
    [qc],
  );
}

function useSignIn(call: (c: Credentials) => Promise<{ user: User }>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: ({ user }) => {
      qc.setQueryData<User | null>(queryKeys.me(), user);
      const { route, navigate } = useRoute.getState();
      navigate(afterSignIn(route), { replace: true });
    },
  });
}

export const useLogin = () => useSignIn(authApi.login);
export const useRegister = () => useSignIn(authApi.register);

export function useLogout(user: User) {
  const endSession = useEndSession();
  return useMutation({
    mutationFn: authApi.logout,
    onSettled: () => endSession(user.id),
  });
}
