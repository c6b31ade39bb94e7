import type { ChatDetailResponse } from '@chatsockets/protocol';
import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { chatDetailQuery } from '../../api/queries';
import { currentLocale } from '../../i18n';
import { seenBy } from '../../state/members';

/**
 * "Seen by …" under the user's latest message, computed from the members' read watermarks
 * (`Member.readSeq`), which `read` events keep live: no polling, no per-message request.
 */
export function SeenBy({ chatId, seq, authorId }: { chatId: string; seq: number; authorId: string }) {
  const select = useCallback((d: ChatDetailResponse) => seenBy(d.members, seq, authorId), [seq, authorId]);
  // The chat screen owns fetching the detail; this row only reads it (it mounts and unmounts
  // as the list virtualizes, which must not refetch).
  const names = useQuery({
    ...chatDetailQuery(chatId),
    select,
    refetchOnMount: false,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  }).data;
  const { t } = useTranslation('messages');
  const list = names && names.length > 0 ? new Intl.ListFormat(currentLocale()).format(names) : null;
  return <span data-testid="seen-by">{list ? t('seenBy', { names: list }) : t('sent')}</span>;
}
