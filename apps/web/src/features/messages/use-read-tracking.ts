import { useQueryClient } from '@tanstack/react-query';
import type { Virtualizer } from '@tanstack/react-virtual';
import { type RefObject, useCallback, useEffect, useRef } from 'react';
import { useSocket } from '../../app/realtime-context';
import { markRead } from '../../realtime/read-marker';
import type { Row } from './timeline-rows';

const DEBOUNCE_MS = 250;

/** The highest seq whose row is on screen (its bottom edge inside the viewport). */
export function highestVisibleSeq(
  rows: readonly Row[],
  items: ReadonlyArray<{ index: number; start: number; end: number }>,
  viewTop: number,
  viewBottom: number,
): number {
  let max = 0;
  for (const v of items) {
    const row = rows[v.index];
    if (row?.kind !== 'item' || row.item.kind !== 'confirmed') continue;
    if (v.end > viewTop && v.end <= viewBottom + 2) max = Math.max(max, row.item.message.seq);
  }
  return max;
}

/**
 * Moves the read marker as messages are seen: after scrolling, new rows, and the tab becoming
 * visible. A hidden tab reads nothing.
 */
export function useReadTracking(opts: {
  chatId: string;
  enabled: boolean;
  rows: readonly Row[];
  scrollerRef: RefObject<HTMLDivElement | null>;
  virtualizer: Virtualizer<HTMLDivElement, Element>;
}): () => void {
  const qc = useQueryClient();
  const socket = useSocket();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const latest = useRef(opts);
  latest.current = opts;

  const check = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const { enabled, rows, scrollerRef, virtualizer, chatId } = latest.current;
      const el = scrollerRef.current;
      if (!enabled || !el || document.visibilityState !== 'visible') return;
      const seq = highestVisibleSeq(
        rows,
        virtualizer.getVirtualItems(),
        el.scrollTop,
        el.scrollTop + el.clientHeight,
      );
      if (seq > 0) markRead(qc, socket, chatId, seq);
    }, DEBOUNCE_MS);
  }, [qc, socket]);

  useEffect(() => {
    document.addEventListener('visibilitychange', check);
    window.addEventListener('focus', check);
    return () => {
      document.removeEventListener('visibilitychange', check);
      window.removeEventListener('focus', check);
      clearTimeout(timer.current);
    };
  }, [check]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: re-check whenever the rows change
  useEffect(check, [opts.rows, check]);
  return check;
}
