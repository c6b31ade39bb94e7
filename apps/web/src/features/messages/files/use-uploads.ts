import { LIMITS } from '@chatsockets/protocol';
import { useCallback, useEffect } from 'react';
import { isApiError } from '../../../api/http';
import { uploadFile } from '../../../api/uploads.api';
import { type UploadItem, useUploadsStore } from '../../../stores/uploads.store';
import { newClientId } from '../client-id';

export type { UploadItem } from '../../../stores/uploads.store';

/** Uploads in flight, by item key (module-wide: an upload outlives the composer that started it). */
const controllers = new Map<string, AbortController>();
const NONE: UploadItem[] = [];

/**
 * A chat's composer files: each uploads at once (with progress, cancellable), and the message is
 * sent with those that finished. They live in the uploads store per chat, so opening another
 * chat and coming back finds them (uploads go on meanwhile). A finished upload lives on the
 * server, so the outbox keeps it across a reload by id; one still uploading cannot survive a
 * reload, and the page says so before it unloads.
 */
export function useUploads(chatId: string) {
  const items = useUploadsStore((s) => s.byChat[chatId] ?? NONE);
  const patch = useCallback(
    (key: string, p: Partial<UploadItem>) =>
      useUploadsStore.getState().update(chatId, (xs) => xs.map((x) => (x.key === key ? { ...x, ...p } : x))),
    [chatId],
  );

  const add = useCallback(
    (files: Iterable<File>) => {
      for (const file of files) {
        const key = newClientId();
        const controller = new AbortController();
        controllers.set(key, controller);
        const name = (file.name || 'pasted').slice(0, LIMITS.fileNameMax);
        useUploadsStore
          .getState()
          .update(chatId, (xs) => [...xs, { key, name, size: file.size, loaded: 0, status: 'uploading' }]);
        uploadFile(file, key, {
          name,
          signal: controller.signal,
          onProgress: (loaded) => patch(key, { loaded }),
        })
          .then((attachment) => patch(key, { status: 'done', loaded: file.size, attachment }))
          .catch((err: unknown) => {
            if (err instanceof DOMException && err.name === 'AbortError') return;
            // The code, not the server's message: that is English (and schema text) whatever
            // language the interface speaks.
            patch(key, { status: 'failed', error: isApiError(err) ? err.code : 'INTERNAL' });
          })
          .finally(() => controllers.delete(key));
      }
    },
    [chatId, patch],
  );

  const cancel = useCallback(
    (key: string) => {
      controllers.get(key)?.abort();
      useUploadsStore.getState().update(chatId, (xs) => xs.filter((x) => x.key !== key));
    },
    [chatId],
  );

  /** The finished uploads, removed from the tray (they go with the message). */
  const take = useCallback(() => {
    const done = (useUploadsStore.getState().byChat[chatId] ?? []).filter(
      (x) => x.status === 'done' && x.attachment,
    );
    useUploadsStore.getState().update(chatId, (xs) => xs.filter((x) => x.status !== 'done'));
    return done.map((x) => x.attachment!);
  }, [chatId]);

  const uploading = items.some((x) => x.status === 'uploading');
  // Any chat's: an upload goes on while another chat is open.
  const anyUploading = useUploadsStore((s) =>
    Object.values(s.byChat).some((xs) => xs.some((x) => x.status === 'uploading')),
  );
  useEffect(() => {
    if (!anyUploading) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [anyUploading]);

  return { items, add, cancel, take, uploading };
}
