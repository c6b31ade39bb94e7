import type { Virtualizer } from '@tanstack/react-virtual';
import { type RefObject, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Row } from './timeline-rows';
import { wasSentHere } from './use-send-message';

const NEAR_TOP_PX = 300;

/**
 * Where the list stands: it opens at the unread divider (else the newest message), follows
 * appends only when at the bottom (the virtualizer's followOnAppend) or when the user sends,
 * counts what arrived below otherwise, and asks for older pages near the top.
 */
export function useMessageScroll(opts: {
  rows: readonly Row[];
  ready: boolean;
  scrollerRef: RefObject<HTMLDivElement | null>;
  virtualizer: Virtualizer<HTMLDivElement, Element>;
  onNearTop(): void;
  onScrolled(): void;
}) {
  const { rows, ready, virtualizer } = opts;
  const [atEnd, setAtEnd] = useState(true);
  const [unseenFrom, setUnseenFrom] = useState<number | null>(null);
  const positioned = useRef(false);
  // Whether the reader was at the newest message before the list's box last changed height.
  const wasAtEnd = useRef(true);
  const height = useRef(0);

  useLayoutEffect(() => {
    if (positioned.current || !ready || rows.length === 0) return;
    positioned.current = true;
    height.current = opts.scrollerRef.current?.clientHeight ?? 0;
    const divider = rows.findIndex((r) => r.kind === 'divider');
    wasAtEnd.current = divider < 0;
    if (divider >= 0) virtualizer.scrollToIndex(divider, { align: 'start' });
    else virtualizer.scrollToEnd();
  }, [ready, rows, virtualizer, opts.scrollerRef]);

  /**
   * A box that got shorter (the composer grew to four lines, the keyboard opened) keeps the
   * newest message in sight when it was in sight (#19 bug 6). True when it scrolled.
   */
  const keepEndOnResize = (): boolean => {
    const el = opts.scrollerRef.current;
    if (!el || !positioned.current) return false;
    const resized = el.clientHeight !== height.current;
    height.current = el.clientHeight;
    if (!resized || !wasAtEnd.current || virtualizer.isAtEnd()) return false;
    virtualizer.scrollToEnd();
    return true;
  };
  const keepEnd = useRef(keepEndOnResize);
  keepEnd.current = keepEndOnResize;
  useEffect(() => {
    const el = opts.scrollerRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => keepEnd.current());
    observer.observe(el);
    return () => observer.disconnect();
  }, [opts.scrollerRef]);

  const lastRow = rows.at(-1);
  const lastKey = lastRow?.key;
  // Sent from this page: the writer wants to see it. Another window's send (the outbox is
  // shared between tabs) must not pull this one away from the history it is showing.
  const lastIsMinePending =
    lastRow?.kind === 'item' && lastRow.item.kind === 'pending' && wasSentHere(lastRow.item.pending.clientId);
  const prevLastKey = useRef(lastKey);
  useLayoutEffect(() => {
    const appended = prevLastKey.current !== undefined && prevLastKey.current !== lastKey;
    prevLastKey.current = lastKey;
    if (!positioned.current || !lastKey || !appended) return;
    if (lastIsMinePending) virtualizer.scrollToEnd();
    else if (!virtualizer.isAtEnd()) setUnseenFrom((n) => n ?? rows.length - 1);
  }, [lastKey, lastIsMinePending, virtualizer, rows.length]);

  // The bottom moves without a scroll event too: rows measured taller or shorter than their
  // estimate change the list's height under a still scrollTop. The virtualizer re-renders on
  // every measurement, so asking after each commit keeps "at the end" true to the screen
  // (#19 bug 1: "Jump to latest" stayed over the newest messages of a long chat).
  useLayoutEffect(() => {
    if (!positioned.current || keepEndOnResize()) return;
    const end = virtualizer.isAtEnd();
    wasAtEnd.current = end;
    setAtEnd(end);
    if (end) setUnseenFrom(null);
  });

  const onScroll = () => {
    const el = opts.scrollerRef.current;
    if (!el) return;
    if (keepEndOnResize()) return;
    const end = virtualizer.isAtEnd();
    wasAtEnd.current = end;
    setAtEnd(end);
    if (end) setUnseenFrom(null);
    if (el.scrollTop < NEAR_TOP_PX && positioned.current) opts.onNearTop();
    opts.onScrolled();
  };

  const jumpToEnd = () => {
    wasAtEnd.current = true;
    virtualizer.scrollToEnd();
    setUnseenFrom(null);
  };

  const unseen = unseenFrom === null ? 0 : rows.slice(unseenFrom).filter((r) => r.kind === 'item').length;
  return { atEnd, unseen, onScroll, jumpToEnd };
}
