import { z } from 'zod';

export const ComponentStatusSchema = z.enum(['ok', 'down']);

/** `GET /api/health`: 200 with status "ok" when every part is up, else 503 with status "unavailable". */
export const HealthResponseSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  db: ComponentStatusSchema,
  /** The in-process bus (one instance) is always "ok". */
  bus: ComponentStatusSchema,
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;
