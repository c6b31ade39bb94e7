import type { TimelineItem } from '../../state/merge-messages';

export type Row =
  | { kind: 'divider'; key: 'unread-divider' }
  | { kind: 'item'; key: string; item: TimelineItem; showHeader: boolean };

const GROUP_GAP_MS = 5 * 60_000;

function authorAndTime(item: TimelineItem, selfId: string): [string, number] {
  return item.kind === 'confirmed'
    ? [item.message.author.id, Date.parse(item.message.createdAt)]
    : [selfId, Date.parse(item.pending.createdAt)];
}

/**
 * The list's rows: consecutive messages of one author within 5 minutes share a header, and an
 * "unread" divider goes before the first message from someone else after `readSeq`. The divider
 * breaks a group: the first message under it names its author, or a reader who jumped to it
 * would not know who wrote it.
 */
export function buildRows(items: readonly TimelineItem[], selfId: string, readSeq: number | null): Row[] {
  const rows: Row[] = [];
  let dividerPlaced = readSeq === null;
  let prev: [string, number] | null = null;
  for (const item of items) {
    const [author, time] = authorAndTime(item, selfId);
    if (!dividerPlaced && item.kind === 'confirmed' && item.message.seq > readSeq! && author !== selfId) {
      rows.push({ kind: 'divider', key: 'unread-divider' });
      dividerPlaced = true;
      prev = null;
    }
    const showHeader = !prev || prev[0] !== author || time - prev[1] > GROUP_GAP_MS;
    rows.push({ kind: 'item', key: item.key, item, showHeader });
    prev = [author, time];
  }
  return rows;
}
