import { type Attachment, type ErrorCode, LIMITS } from '@chatsockets/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { isApiError } from '../../../api/http';
import { uploadFile } from '../../../api/uploads.api';
import { newClientId } from '../client-id';

export interface UploadItem {
  key: string;
  name: string;
  size: number;
  loaded: number;
  status: 'uploading' | 'done' | 'failed';
  attachment?: Attachment;
  /** Why it failed, as the protocol's code: the tray words it in the user's language. */
  error?: ErrorCode;
}

/**
 * The composer's files: each uploads at once (with progress, cancellable), and the message is
 * sent with those that finished. A finished upload lives on the server, so the outbox keeps it
 * across a reload by id; one still uploading cannot survive a reload, and the page says so
 * before it unloads.
 */
export function useUploads() {
  const [items, setItems] = useState<UploadItem[]>([]);
  const controllers = useRef(new Map<string, AbortController>());
  const patch = useCallback(
    (key: string, p: Partial<UploadItem>) =>
      setItems((xs) => xs.map((x) => (x.key === key ? { ...x, ...p } : x))),
    [],
  );

  const add = useCallback(
    (files: Iterable<File>) => {
      for (const file of files) {
        const key = newClientId();
        const controller = new AbortController();
        controllers.current.set(key, controller);
        const name = (file.name || 'pasted').slice(0, LIMITS.fileNameMax);
        setItems((xs) => [...xs, { key, name, size: file.size, loaded: 0, status: 'uploading' }]);
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
          .finally(() => controllers.current.delete(key));
      }
    },
    [patch],
  );

  const cancel = useCallback((key: string) => {
    controllers.current.get(key)?.abort();
    setItems((xs) => xs.filter((x) => x.key !== key));
  }, []);

  /** The finished uploads, removed from the tray (they go with the message). */
  const take = useCallback((): Attachment[] => {
    const done = items.filter((x) => x.status === 'done' && x.attachment);
    setItems((xs) => xs.filter((x) => x.status !== 'done'));
    return done.map((x) => x.attachment as Attachment);
  }, [items]);

  const uploading = items.some((x) => x.status === 'uploading');
  useEffect(() => {
    if (!uploading) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [uploading]);
  useEffect(() => {
    const all = controllers.current;
    return () => {
      for (const c of all.values()) c.abort();
    };
  }, []);

  return { items, add, cancel, take, uploading };
}
