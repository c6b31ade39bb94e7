import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { chatListQuery } from '../api/queries';
import { faviconBadge } from '../state/should-notify';

/** Draws the unread count on the tab's icon (grey when only muted chats have unread). */
function drawBadge(count: number, grey: boolean): string {
  const canvas = document.createElement('canvas');
  canvas.width = 32;
  canvas.height = 32;
  const ctx = canvas.getContext('2d');
  if (!ctx) return '';
  ctx.fillStyle = '#1f5fbf';
  ctx.beginPath();
  ctx.arc(14, 16, 12, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = grey ? '#6b7280' : '#c62828';
  ctx.beginPath();
  ctx.arc(22, 10, 10, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = '#ffffff';
  ctx.font = 'bold 13px sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(count > 99 ? '99' : String(count), 22, 11);
  return canvas.toDataURL('image/png');
}

/** The unread count as a favicon badge, beside the title's "(3)". */
export function useFaviconBadge(): void {
  const { data } = useQuery(chatListQuery());
  const { count, grey } = faviconBadge(data?.chats ?? []);
  useEffect(() => {
    let link = document.querySelector<HTMLLinkElement>('link[rel~="icon"]');
    const created = !link;
    if (!link) {
      link = document.createElement('link');
      link.rel = 'icon';
      document.head.append(link);
    }
    const original = created ? null : link.getAttribute('href');
    if (count > 0) {
      const url = drawBadge(count, grey);
      if (url) link.href = url;
    }
    link.dataset.unread = String(count);
    link.dataset.muted = String(grey);
    return () => {
      if (created) link.remove();
      else if (original !== null) link.setAttribute('href', original);
    };
  }, [count, grey]);
}
