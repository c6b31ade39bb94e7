import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { createGroup, messageWithText, newPerson, openChat, send } from './helpers';
import { lang, t } from './i18n';

/** Every violation axe finds on the page as it is now, one line each (screen: rule × nodes). */
async function axe(page: Page, screen: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.map(
    (v) =>
      `${screen}: ${v.id} [${v.impact}] ${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 4)
        .join(' | ')}`,
  );
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`[a11y] every main screen has no axe violations (${colorScheme} theme)`, async ({ browser }) => {
    // Eleven axe runs on one page, each a few seconds on a busy machine.
    test.setTimeout(120_000);
    // Colours do not change with the language: the Russian run checks one theme (CI time).
    test.skip(lang() === 'ru' && colorScheme === 'dark', 'one theme is enough in the second language');
    const found: string[] = [];
    const bob = await newPerson(browser, 'axb');
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();

    await page.goto('/login');
    await expect(page.getByRole('heading', { name: t('auth:signIn') })).toBeVisible();
    found.push(...(await axe(page, 'sign-in')));
    // Errors at the fields, as a person sees them after a wrong first try.
    await page.getByRole('button', { name: t('auth:signIn') }).click();
    await expect(page.getByTestId('field-error').first()).toBeVisible();
    found.push(...(await axe(page, 'sign-in with field errors')));

    await page.getByRole('button', { name: t('auth:createAccount') }).click();
    await expect(page.getByRole('heading', { name: t('auth:createAccount') })).toBeVisible();
    found.push(...(await axe(page, 'register')));
    await page.getByLabel(t('auth:username')).fill(`ax${Date.now().toString(36)}${colorScheme[0]}`);
    await page.getByLabel(t('auth:password')).fill('correct horse battery');
    await page.getByRole('button', { name: t('auth:createAccount') }).click();
    await expect(page.getByTestId('current-user')).toBeVisible();
    found.push(...(await axe(page, 'chat list, empty')));

    for (const [button, dialog] of [
      ['chats:newGroup', 'chats:createGroup.title'],
      ['chats:directMessage', 'chats:direct.title'],
      ['chats:browsePublic', 'chats:public.title'],
      ['settings.open', 'settings.title'],
    ] as const) {
      await page.getByRole('button', { name: t(button), exact: true }).click();
      const d = page.getByRole('dialog', { name: t(dialog) });
      await expect(d).toBeVisible();
      found.push(...(await axe(page, `dialog ${t(dialog)}`)));
      await page.keyboard.press('Escape');
      await expect(d).toBeHidden();
    }

    const title = `Axe ${colorScheme} ${Date.now()}`;
    await createGroup(page, title, [bob.username]);
    await send(page, 'a message of mine, with https://example.com');
    await openChat(bob.page, title);
    await send(bob.page, 'and one from bob');
    await expect(messageWithText(page, 'and one from bob')).toBeVisible();
    await expect(page.getByTestId('message').first()).toHaveAttribute('data-status', 'sent');
    found.push(...(await axe(page, 'open chat')));

    await page.getByRole('button', { name: t('chats:members'), exact: true }).click();
    await expect(
      page.getByRole('complementary', { name: t('chats:panel.title', { count: 2 }) }),
    ).toBeVisible();
    found.push(...(await axe(page, 'members panel')));

    expect(found).toEqual([]);
    await context.close();
    await bob.context.close();
  });
}
