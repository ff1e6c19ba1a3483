import * as z from 'zod';
import { PROVIDER_IDS } from '../connectors/registry.ts';

/** Shapes shared by many routes. */
export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
  message: z.string(),
});

export const providerId = z.enum(PROVIDER_IDS, { error: () => `must be one of ${PROVIDER_IDS.join(', ')}` });

/** account ids: provider-specific, but always printable and bounded */
export const accountId = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters');

export const isoTime = z.string().datetime({ offset: true });

export const empty = z.strictObject({});
