// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, vi } from 'vitest';
import { i18n } from '../../../i18n';
import { useOutbox } from '../../../stores/outbox.store';
import { useUploadsStore } from '../../../stores/uploads.store';
import { me, test } from '../../../test/component';
import { Composer } from '../Composer';

/**
 * Every upload answered as `answer` says, for the file name in the upload's URL: a stand-in for
 * the browser's XMLHttpRequest (uploads.api.ts), which jsdom cannot send.
 */
function answerUploads(answer: (name: string) => { status: number; body: unknown }) {
  class FakeXhr {
    status = 0;
    responseText = '';
    upload = { onprogress: null };
    withCredentials = false;
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    onabort: (() => void) | null = null;
    private url = '';
    open(_method: string, url: string) {
      this.url = url;
    }
    setRequestHeader() {}
    abort() {}
    send() {
      const { status, body } = answer(new URL(this.url, 'http://x').searchParams.get('name') ?? '');
      queueMicrotask(() => {
        this.status = status;
        this.responseText = JSON.stringify(body);
        this.onload?.();
      });
    }
  }
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
}

/** The server refuses every upload with `status` and an English message. */
const refuseUploads = (status: number, code: string, message: string) =>
  answerUploads(() => ({ status, body: { error: { code, message } } }));

/** The server stores every upload. */
const acceptUploads = () =>
  answerUploads((name) => ({
    status: 201,
    body: {
      attachment: {
        id: `a-${name}`,
        name,
        size: 10,
        mime: 'application/pdf',
        kind: 'file',
        width: null,
        height: null,
        thumbnail: false,
      },
    },
  }));

const attach = (name: string) =>
  fireEvent.change(screen.getByTestId('file-input'), {
    target: { files: [new File(['x'.repeat(10)], name, { type: 'application/octet-stream' })] },
  });

describe('upload errors', () => {
  afterEach(async () => {
    useUploadsStore.setState({ byChat: {} });
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

  test('[files] files attached in one chat are still there after opening another chat and coming back', async ({
    view,
  }) => {
    acceptUploads();
    const first = view(<Composer chatId="c-1" selfId={me.id} />);
    attach('plan.pdf');
    await waitFor(() => expect(screen.getByTestId('upload').getAttribute('data-status')).toBe('done'));
    // Another chat opens: the chat screen (and its composer) is replaced.
    first.unmount();
    const second = view(<Composer chatId="c-2" selfId={me.id} />);
    expect(screen.queryByTestId('upload')).toBeNull();
    second.unmount();
    const back = view(<Composer chatId="c-1" selfId={me.id} />);
    expect(screen.getByTestId('upload').textContent).toContain('plan.pdf');
    await back.user.click(screen.getByRole('button', { name: 'Send' }));
    expect(useOutbox.getState().entries[0]?.attachments?.map((a) => a.name)).toEqual(['plan.pdf']);
    expect(screen.queryByTestId('upload')).toBeNull();
  });
});
