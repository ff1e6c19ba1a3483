import * as z from '../zod.ts';

/**
 * Account ids: provider-specific, but always printable and bounded. Apart from lib/http/schemas.ts
 * (which re-exports it) so that a connector's status and reconnect functions do not carry every
 * shared shape, the provider-id enum among them.
 */
export const accountId = /* @__PURE__ */ z.deferred(() => z.string().check(
  z.minLength(1),
  z.maxLength(256),
  z.regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters'),
));
