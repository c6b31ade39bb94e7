import { QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError } from '../api/http';
import { queryKeys } from '../state/query-keys';

const NO_RETRY = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_REQUEST']);

export function createQueryClient(): QueryClient {
  const qc: QueryClient = new QueryClient({
    defaultOptions: {
      queries: {
        retry: (count, err) => count < 2 && !(isApiError(err) && NO_RETRY.has(err.code)),
      },
      mutations: { retry: false },
    },
    // Any 401 means the session is gone: GET /api/me decides, and it will say signed out.
    queryCache: new QueryCache({
      onError: (err, query) => {
        if (isApiError(err, 'UNAUTHORIZED') && query.queryKey[0] !== queryKeys.me()[0]) {
          void qc.invalidateQueries({ queryKey: queryKeys.me() });
        }
      },
    }),
  });
  return qc;
}
