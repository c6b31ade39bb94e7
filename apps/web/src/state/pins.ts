import type { Message } from '@chatsockets/protocol';
import type { QueryClient } from '@tanstack/react-query';
import { queryKeys } from './query-keys';

/** A chat's pinned messages, the latest pin first (`GET …/pins`, then kept by events). */
export type Pins = Message[];

/**
 * A message's new version moves it into, within or out of its chat's pins (a delete unpins),
 * if the pins are loaded; a version older than the one held is ignored.
 */
export function applyPinnedState(qc: QueryClient, message: Message): void {
  const key = queryKeys.pins(message.chatId);
  const pins = qc.getQueryData<Pins>(key);
  if (!pins) return;
  const held = pins.find((m) => m.id === message.id);
  if (held && held.rev >= message.rev) return;
  if (!held && message.pinnedAt === null) return;
  const rest = pins.filter((m) => m.id !== message.id);
  const next = message.pinnedAt === null ? rest : [...rest, message];
  next.sort((a, b) => (b.pinnedAt ?? '').localeCompare(a.pinnedAt ?? '') || b.seq - a.seq);
  qc.setQueryData<Pins>(key, next);
}
