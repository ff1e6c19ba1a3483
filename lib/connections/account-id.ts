import * as z from 'zod';

/**
 * Account ids: provider-specific, but always printable and bounded. Apart from lib/http/schemas.ts
 * (which re-exports it) so that a connector's status and reconnect functions do not carry every
 * shared shape, the provider-id enum among them.
 */
export const accountId = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters');
