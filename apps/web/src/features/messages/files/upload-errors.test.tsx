// @vitest-environment jsdom
import { fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, vi } from 'vitest';
import { i18n } from '../../../i18n';
import { me, test } from '../../../test/component';
import { Composer } from '../Composer';

/** An XMLHttpRequest whose every upload the server refuses with `status` and an English message. */
function refuseUploads(status: number, code: string, message: string) {
  class RefusingXhr {
    status = 0;
    responseText = '';
    upload = { onprogress: null };
    withCredentials = false;
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    onabort: (() => void) | null = null;
    open() {}
    setRequestHeader() {}
    abort() {}
    send() {
      queueMicrotask(() => {
        this.status = status;
        this.responseText = JSON.stringify({ error: { code, message } });
        this.onload?.();
      });
    }
  }
  vi.stubGlobal('XMLHttpRequest', RefusingXhr);
}

const attach = (name: string) =>
  fireEvent.change(screen.getByTestId('file-input'), {
    target: { files: [new File(['x'.repeat(10)], name, { type: 'application/octet-stream' })] },
  });

describe('upload errors', () => {
  afterEach(async () => {
    vi.unstubAllGlobals();
    await i18n.changeLanguage('en');
  });

  test("[files] a refused upload is worded in the interface's language, not the server's English", async ({
    view,
  }) => {
    await i18n.changeLanguage('ru');
    refuseUploads(413, 'PAYLOAD_TOO_LARGE', 'The file is larger than 25 MiB');
    view(<Composer chatId="c-1" selfId={me.id} />);
    attach('big.bin');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).not.toContain('larger than');
    expect(alert.textContent).toBe(i18n.t('files:error.PAYLOAD_TOO_LARGE'));
    expect(alert.textContent).toMatch(/[а-яё]/i);
  });

  test('[files] an upload refused for a reason without its own wording says what the code means', async ({
    view,
  }) => {
    await i18n.changeLanguage('ru');
    refuseUploads(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the file as application/octet-stream');
    view(<Composer chatId="c-1" selfId={me.id} />);
    attach('odd.bin');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(i18n.t('errors:code.UNSUPPORTED_MEDIA_TYPE'));
  });
});
