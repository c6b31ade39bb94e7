// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import { describe, expect, vi } from 'vitest';
import { test } from '../../test/component';
import { AccountSection } from './AccountSection';

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
const at = new Date().toISOString();
const listed = {
  sessions: [
    { id: 's-1', createdAt: at, lastActiveAt: at, userAgent: 'This browser', current: true },
    { id: 's-2', createdAt: at, lastActiveAt: at, userAgent: 'Phone/1.0', current: false },
  ],
};

describe('AccountSection', () => {
  test('[sessions] lists devices; "sign out all other devices" asks first, then DELETEs them', async ({
    view,
  }) => {
    const fetch = vi.fn(async (_url: string, init?: RequestInit) =>
      init?.method === 'DELETE' ? new Response(null, { status: 204 }) : json(listed),
    );
    vi.stubGlobal('fetch', fetch);
    try {
      const { user } = view(<AccountSection />);
      expect(await screen.findByText('Phone/1.0')).toBeTruthy();
      expect(screen.getByText('This device')).toBeTruthy();
      await user.click(screen.getByRole('button', { name: 'Sign out all other devices' }));
      expect(fetch.mock.calls.some(([, init]) => init?.method === 'DELETE')).toBe(false);
      const question = screen.getByRole('group', { name: 'Sign out 1 other device?' });
      await user.click(within(question).getByRole('button', { name: 'Sign out' }));
      await vi.waitFor(() =>
        expect(fetch.mock.calls.filter(([, init]) => init?.method === 'DELETE').map(([url]) => url)).toEqual([
          '/api/me/sessions',
        ]),
      );
    } finally {
      vi.unstubAllGlobals();
    }
  }, 30_000);
});
