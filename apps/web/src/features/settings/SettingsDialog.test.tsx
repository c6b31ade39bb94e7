// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { afterEach, describe, expect } from 'vitest';
import { i18n, LANGUAGE_STORAGE_KEY } from '../../i18n';
import { test } from '../../test/component';
import { SettingsDialog } from './SettingsDialog';

describe('SettingsDialog', () => {
  afterEach(() => i18n.changeLanguage('en'));

  test('[language] picking Русский switches the interface and <html lang>, and is remembered; "same as the browser" forgets it', async ({
    view,
  }) => {
    const { user } = view(<SettingsDialog onClose={() => {}} />);
    expect(screen.getByRole('heading').textContent).toBe('Settings');
    await user.selectOptions(screen.getByLabelText('Language'), 'ru');
    expect(screen.getByRole('heading').textContent).toBe('Настройки');
    expect(document.documentElement.lang).toBe('ru');
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe('ru');
    await user.selectOptions(screen.getByLabelText('Язык'), 'auto');
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBeNull();
  });
});
