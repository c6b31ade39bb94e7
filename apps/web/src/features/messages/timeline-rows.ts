import type { TimelineItem } from '../../state/merge-messages';

export type Row =
  | { kind: 'divider'; key: 'unread-divider' }
  /** Before the first message of each day (the reader's local day): `day` is its first message's time. */
  | { kind: 'date'; key: string; day: string }
  | { kind: 'item'; key: string; item: TimelineItem; showHeader: boolean };

const GROUP_GAP_MS = 5 * 60_000;

/** The reader's local calendar day of a time, as a key. */
export function localDay(time: number): string {
  const d = new Date(time);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

function authorAndTime(item: TimelineItem, selfId: string): [string, number] {
  return item.kind === 'confirmed'
    ? [item.message.author.id, Date.parse(item.message.createdAt)]
    : [selfId, Date.parse(item.pending.createdAt)];
}

/**
 * The list's rows: a date separator opens each day (once its start is loaded); consecutive messages of one author within
 * 5 minutes share a header, and an
 * "unread" divider goes before the first message from someone else after `readSeq`. The divider
 * breaks a group: the first message under it names its author, or a reader who jumped to it
 * would not know who wrote it.
 */
export function buildRows(
  items: readonly TimelineItem[],
  selfId: string,
  readSeq: number | null,
  /** The first item is the chat's first message (nothing older to load). */
  startKnown = true,
): Row[] {
  const rows: Row[] = [];
  let dividerPlaced = readSeq === null;
  let prev: [string, number] | null = null;
  // Above the oldest loaded message the day may have begun earlier: its separator waits until
  // that is known. (A row at the very top would also become the virtualizer's scroll anchor, and
  // a prepended page of the same day would then push what is on screen away.)
  let day: string | null =
    startKnown || items.length === 0 ? null : localDay(authorAndTime(items[0]!, selfId)[1]);
  for (const item of items) {
    const [author, time] = authorAndTime(item, selfId);
    // A new day gets a separator, which starts a new group, as the divider does.
    const today = localDay(time);
    if (today !== day) {
      rows.push({ kind: 'date', key: `date:${today}`, day: new Date(time).toISOString() });
      day = today;
      prev = null;
    }
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
