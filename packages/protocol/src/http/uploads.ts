import { z } from 'zod';
import { AttachmentSchema } from '../entities.js';
import { LIMITS } from '../limits.js';
import { ClientIdSchema, isStorableText, STORABLE_TEXT_MESSAGE } from '../primitives.js';

/**
 * Addition to PROTOCOL v1: `POST /api/uploads?clientId=&name=` with the file's bytes as the
 * body (`Content-Type: application/octet-stream`). Idempotent by `clientId` (per uploader):
 * a repeat answers 200 with the first upload and stores nothing. The upload is the uploader's
 * alone until a send puts it on a message (`attachmentIds`); unattached uploads are deleted
 * after a while.
 */
export const UploadQuerySchema = z.strictObject({
  clientId: ClientIdSchema,
  name: z
    .string()
    .min(1)
    .max(LIMITS.fileNameMax, `must be at most ${LIMITS.fileNameMax} characters`)
    .refine(isStorableText, STORABLE_TEXT_MESSAGE),
});
export type UploadQuery = z.infer<typeof UploadQuerySchema>;

export const UploadResponseSchema = z.object({ attachment: AttachmentSchema });
export type UploadResponse = z.infer<typeof UploadResponseSchema>;

export const AttachmentParamsSchema = z.strictObject({ attachmentId: z.string().min(1).toLowerCase() });
