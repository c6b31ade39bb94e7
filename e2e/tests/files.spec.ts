import { expect, type Page, test } from '@playwright/test';
import { composer, createGroup, newPerson, openChat } from './helpers';

/** Pastes a PNG drawn on a canvas into the composer, as a screenshot paste would. */
async function pasteImage(page: Page) {
  await composer(page).focus();
  await composer(page).evaluate(async (el) => {
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 400;
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    ctx.fillStyle = '#3a7';
    ctx.fillRect(0, 0, 640, 400);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b as Blob), 'image/png'));
    const data = new DataTransfer();
    data.items.add(new File([blob], 'pasted.png', { type: 'image/png' }));
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
}

const loaded = (page: Page) =>
  page
    .getByTestId('attachment-thumbnail')
    .first()
    .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);

test('[files] a pasted image shows live as a thumbnail in another browser, opens in the lightbox, survives a reload; a stranger cannot fetch it', async ({
  browser,
}) => {
  const alice = await newPerson(browser, 'fa');
  const bob = await newPerson(browser, 'fb');
  const carol = await newPerson(browser, 'fc');
  const title = `Files ${Date.now()}`;
  await createGroup(alice.page, title, [bob.username]);
  await openChat(bob.page, title);

  await pasteImage(alice.page);
  await expect(alice.page.getByTestId('upload')).toHaveAttribute('data-status', 'done');
  await alice.page.getByRole('button', { name: 'Send' }).click();

  // Live in the second browser, the thumbnail really decoded.
  const thumb = bob.page.getByTestId('attachment-thumbnail');
  await expect(thumb).toHaveCount(1);
  await expect.poll(() => loaded(bob.page)).toBe(true);
  const src = await thumb.getAttribute('src');
  const id = /\/api\/attachments\/([^/]+)\/thumbnail/.exec(src ?? '')?.[1];
  expect(id).toBeTruthy();

  await thumb.click();
  const box = bob.page.getByTestId('lightbox');
  await expect(box).toBeVisible();
  await expect
    .poll(() => box.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBe(640);
  await bob.page.keyboard.press('Escape');
  await expect(box).toBeHidden();

  await bob.page.reload();
  await expect(bob.page.getByTestId('attachment-thumbnail')).toHaveCount(1);
  await expect.poll(() => loaded(bob.page)).toBe(true);

  // The direct link, with a stranger's session: refused.
  const stranger = await carol.page.request.get(`/api/attachments/${id}`);
  expect(stranger.status()).toBe(403);
  const strangerThumb = await carol.page.request.get(`/api/attachments/${id}/thumbnail`);
  expect(strangerThumb.status()).toBe(403);
  const member = await bob.page.request.get(`/api/attachments/${id}`);
  expect(member.status()).toBe(200);
  expect(member.headers()['x-content-type-options']).toBe('nosniff');
  for (const p of [alice, bob, carol]) await p.context.close();
});
