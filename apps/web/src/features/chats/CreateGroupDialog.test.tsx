// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { afterEach, describe, expect, vi } from 'vitest';
import { test } from '../../test/component';
import { CreateGroupDialog } from './CreateGroupDialog';

describe('CreateGroupDialog', () => {
  afterEach(() => vi.unstubAllGlobals());

  test('[validation] a blank title and a bad member name are said at their fields; nothing is sent', async ({
    view,
  }) => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    const { user } = view(<CreateGroupDialog onClose={() => {}} />);
    await user.type(screen.getByLabelText('Members'), 'alice, b!b');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(screen.getAllByTestId('field-error').map((e) => e.textContent)).toEqual([
      'Fill in this field.',
      '“b!b” is not a valid username.',
    ]);
    expect(document.activeElement).toBe(screen.getByLabelText('Title'));
    expect(fetch).not.toHaveBeenCalled();
  });
});
