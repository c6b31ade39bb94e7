import { type Attachment, ErrorBodySchema, UploadResponseSchema } from '@chatsockets/protocol';
import { ApiError } from './http';

export const attachmentUrl = (id: string) => `/api/attachments/${encodeURIComponent(id)}`;
export const thumbnailUrl = (id: string) => `${attachmentUrl(id)}/thumbnail`;

/**
 * Uploads one file as the raw body (PROTOCOL.md › Attachments), reporting progress. XHR, not
 * fetch: fetch has no upload progress. Idempotent by `clientId`: a retry stores nothing new.
 */
export function uploadFile(
  file: Blob & { name?: string },
  clientId: string,
  opts: { name: string; onProgress?(loaded: number, total: number): void; signal?: AbortSignal },
): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const qs = new URLSearchParams({ clientId, name: opts.name });
    xhr.open('POST', `/api/uploads?${qs}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => opts.onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      let json: unknown;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        json = undefined;
      }
      if (xhr.status === 200 || xhr.status === 201) {
        const parsed = UploadResponseSchema.safeParse(json);
        if (parsed.success) return resolve(parsed.data.attachment);
      }
      const err = ErrorBodySchema.safeParse(json);
      reject(
        err.success
          ? new ApiError(xhr.status, err.data.error.code, err.data.error.message)
          : new ApiError(
              xhr.status,
              xhr.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST',
              `Upload failed (${xhr.status})`,
            ),
      );
    };
    xhr.onerror = () =>
      reject(new ApiError(0, 'UNAVAILABLE', 'Cannot reach the server. Check your connection.'));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    opts.signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}
