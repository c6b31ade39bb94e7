import { describe, expect, it } from 'vitest';
import { faviconBadge, notifyFactsOf, shouldNotify } from './should-notify';

const me = { id: 'me' };
const from = (id: string, over: { deletedAt?: string | null; editedAt?: string | null } = {}) => ({
  author: { id, username: id },
  deletedAt: null,
  editedAt: null,
  ...over,
});
const direct = { kind: 'direct', muted: false, role: 'member' } as const;
const group = { kind: 'group', muted: false, role: 'member' } as const;
const away = { enabled: true, hidden: true };

describe('shouldNotify', () => {
  it('[notify] a direct message, a mention or a reply to me, while the tab is hidden', () => {
    expect(shouldNotify(from('you'), me, direct, away)).toBe('direct');
    expect(shouldNotify(from('you'), me, group, away, { mentionsMe: true })).toBe('mention');
    expect(shouldNotify(from('you'), me, group, away, { repliesToMe: true })).toBe('reply');
  });

  it('[notify] not for a plain group message, my own, a deleted or edited one', () => {
    expect(shouldNotify(from('you'), me, group, away)).toBeNull();
    expect(shouldNotify(from('me'), me, direct, away)).toBeNull();
    expect(shouldNotify(from('you', { deletedAt: '2030-01-01T00:00:00Z' }), me, direct, away)).toBeNull();
    expect(shouldNotify(from('you', { editedAt: '2030-01-01T00:00:00Z' }), me, direct, away)).toBeNull();
  });

  it('[notify] never while looking, when switched off, in a muted chat, or one I am not in', () => {
    expect(shouldNotify(from('you'), me, direct, { enabled: true, hidden: false })).toBeNull();
    expect(shouldNotify(from('you'), me, direct, { enabled: false, hidden: true })).toBeNull();
    expect(shouldNotify(from('you'), me, { ...direct, muted: true }, away)).toBeNull();
    expect(shouldNotify(from('you'), me, { ...group, muted: true }, away, { mentionsMe: true })).toBeNull();
    expect(shouldNotify(from('you'), me, { ...group, role: null }, away, { mentionsMe: true })).toBeNull();
    expect(shouldNotify(from('you'), me, undefined, away)).toBeNull();
  });
});

describe('faviconBadge', () => {
  it('[badge] counts unmuted unread; muted unread alone makes a grey badge', () => {
    expect(faviconBadge([])).toEqual({ count: 0, grey: false });
    expect(
      faviconBadge([
        { unreadCount: 2, muted: false },
        { unreadCount: 5, muted: true },
      ]),
    ).toEqual({ count: 2, grey: false });
    expect(faviconBadge([{ unreadCount: 5, muted: true }])).toEqual({ count: 5, grey: true });
  });
});

describe('notifyFactsOf', () => {
  const ref = (authorId: string, deleted = false) => ({
    id: 'm0',
    seq: 1,
    author: { id: authorId, username: authorId },
    preview: 'x',
    deleted,
  });
  it('[notify] a mention of me or of everyone, a reply to my (live) message', () => {
    const me = { id: 'me' };
    expect(notifyFactsOf({ mentions: ['me'], replyTo: null }, me)).toEqual({
      mentionsMe: true,
      repliesToMe: false,
    });
    expect(notifyFactsOf({ mentions: ['all'], replyTo: null }, me).mentionsMe).toBe(true);
    expect(notifyFactsOf({ mentions: ['other'], replyTo: ref('me') }, me)).toEqual({
      mentionsMe: false,
      repliesToMe: true,
    });
    expect(notifyFactsOf({ mentions: [], replyTo: ref('other') }, me).repliesToMe).toBe(false);
    expect(notifyFactsOf({ mentions: [], replyTo: ref('me', true) }, me).repliesToMe).toBe(false);
  });
});
