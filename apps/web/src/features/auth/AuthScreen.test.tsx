// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { afterEach, describe, expect, vi } from 'vitest';
import { i18n } from '../../i18n';
import { test } from '../../test/component';
import { AuthScreen } from './AuthScreen';

const fetchSpy = () => {
  const fetch = vi.fn(
    async () =>
      new Response(JSON.stringify({ error: { code: 'UNAUTHORIZED', message: 'Invalid credentials' } }), {
        status: 401,
        headers: { 'Content-Type': 'application/json' },
      }),
  );
  vi.stubGlobal('fetch', fetch);
  return fetch;
};

describe('AuthScreen', () => {
  afterEach(async () => {
    vi.unstubAllGlobals();
    await i18n.changeLanguage('en');
  });

  test('[validation] a short password is a sentence at the field, and nothing is sent', async ({ view }) => {
    const fetch = fetchSpy();
    const { user } = view(<AuthScreen mode="register" />);
    await user.type(screen.getByLabelText('Username'), 'alice');
    await user.type(screen.getByLabelText('Password'), 'short');
    await user.click(screen.getByRole('button', { name: 'Create an account' }));
    const password = screen.getByLabelText('Password');
    expect(password.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('field-error').textContent).toBe('A password needs at least 8 characters.');
    expect(password.getAttribute('aria-describedby')?.split(' ')).toContain(
      screen.getByTestId('field-error').id,
    );
    expect(document.activeElement).toBe(password);
    expect(fetch).not.toHaveBeenCalled();
    // Never the schema's own text.
    expect(document.body.textContent).not.toMatch(/schema|Too small|expected string/i);
  });

  test('[validation] in Russian, with the right plural, and a bad username too', async ({ view }) => {
    await i18n.changeLanguage('ru');
    const fetch = fetchSpy();
    const { user } = view(<AuthScreen mode="register" />);
    await user.type(screen.getByLabelText('Имя пользователя'), 'al!ce');
    await user.type(screen.getByLabelText('Пароль'), 'short');
    await user.click(screen.getByRole('button', { name: 'Создать аккаунт' }));
    expect(screen.getAllByTestId('field-error').map((e) => e.textContent)).toEqual([
      'Используйте только латинские буквы, цифры, «_», «.» или «-».',
      'Пароль должен содержать не менее 8 символов.',
    ]);
    expect(fetch).not.toHaveBeenCalled();
  });

  test('[server error] a 401 on sign-in is worded by its code for the sign-in form', async ({ view }) => {
    const fetch = fetchSpy();
    const { user } = view(<AuthScreen mode="login" />);
    await user.type(screen.getByLabelText('Username'), 'alice');
    await user.type(screen.getByLabelText('Password'), 'long enough');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong username or password.');
    expect(fetch).toHaveBeenCalledOnce();
  });
});
