import * as z from 'zod';
import { CONNECTOR_IDS } from '../connectors/generated/ids.ts';

/** Shapes shared by many routes. */
export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
  message: z.string(),
});

export const providerId = z.enum(CONNECTOR_IDS, { error: () => `must be one of ${CONNECTOR_IDS.join(', ')}` });

/** account ids: provider-specific, but always printable and bounded */
export const accountId = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters');

export const isoTime = z.string().datetime({ offset: true });

export const empty = z.strictObject({});
