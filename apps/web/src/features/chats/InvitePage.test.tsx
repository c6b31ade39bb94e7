// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { describe, expect, vi } from 'vitest';
import { i18n } from '../../i18n';
import { test } from '../../test/component';
import { InvitePage } from './InvitePage';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const gone = (reason: string) =>
  json(410, { error: { code: 'GONE', message: 'gone', details: [{ path: 'invite', message: reason }] } });

describe('InvitePage', () => {
  test.for([
    ['expired', 'The link has expired. Ask for a new one.'],
    ['revoked', 'The link was revoked. Ask for a new one.'],
    ['used-up', 'The link has been used as many times as it allows. Ask for a new one.'],
  ] as const)('[invite] a %s link says so in words, not the raw error', async ([reason, text], { view }) => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => gone(reason)),
    );
    try {
      view(<InvitePage token="t1" />);
      expect((await screen.findByRole('alert')).textContent).toBe(text);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  test('[invite] a live link shows the chat and joins it; in Russian the count is declined', async ({
    view,
  }) => {
    const preview = {
      chat: { id: 'c-1', title: 'Team', description: 'Plans', memberCount: 5 },
      member: false,
    };
    const fetch = vi.fn(async (url: string) =>
      url.endsWith('/join')
        ? json(410, {
            error: { code: 'GONE', message: 'x', details: [{ path: 'invite', message: 'used-up' }] },
          })
        : json(200, preview),
    );
    vi.stubGlobal('fetch', fetch);
    await i18n.changeLanguage('ru');
    try {
      const { user } = view(<InvitePage token="t1" />);
      expect(await screen.findByText('5 участников')).toBeTruthy();
      await user.click(screen.getByRole('button', { name: 'Вступить в чат' }));
      // Used up by others meanwhile: the reason, in the user's language.
      expect((await screen.findByRole('alert')).textContent).toContain('максимальное число раз');
      expect(fetch.mock.calls.map((c) => c[0])).toEqual(['/api/invites/t1', '/api/invites/t1/join']);
    } finally {
      await i18n.changeLanguage('en');
      vi.unstubAllGlobals();
    }
  });

  test('[invite] someone removed from the chat is told so, and who can let them back in', async ({
    view,
  }) => {
    const preview = { chat: { id: 'c-1', title: 'Team', description: '', memberCount: 5 }, member: false };
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) =>
        url.endsWith('/join')
          ? json(403, { error: { code: 'FORBIDDEN', message: 'You were removed from this chat' } })
          : json(200, preview),
      ),
    );
    try {
      const { user } = view(<InvitePage token="t1" />);
      await user.click(await screen.findByRole('button', { name: 'Join chat' }));
      expect((await screen.findByRole('alert')).textContent).toBe(
        'You were removed from this chat. Only its owner or an admin can add you back.',
      );
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
