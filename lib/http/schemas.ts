import * as z from '../zod.ts';
import { CONNECTOR_IDS } from '../connectors/generated/ids.ts';

/** Shapes shared by many routes. */
export const errorSchema = /* @__PURE__ */ z.deferred(() => z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.optional(z.string()) }),
  message: z.string(),
}));

export const providerId = /* @__PURE__ */ z.deferred(() => z.enum(CONNECTOR_IDS, { error: () => `must be one of ${CONNECTOR_IDS.join(', ')}` }));

export { accountId } from '../connections/account-id.ts';

export const isoTime = /* @__PURE__ */ z.deferred(() => z.iso.datetime({ offset: true }));

export const empty = /* @__PURE__ */ z.deferred(() => z.strictObject({}));
