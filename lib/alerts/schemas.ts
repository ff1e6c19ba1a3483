import * as z from '../zod.ts';
import { CONNECTOR_IDS } from '../connectors/generated/ids.ts';
import { ALERT_STATUSES, SEVERITIES } from './types.ts';

/** The shapes of GET /api/alerts and GET /api/alerts/{alert_id}. */
export const alertView = /* @__PURE__ */ z.deferred(() => z.object({
  id: z.string(),
  connector: z.string(),
  account_id: z.string(),
  event_id: z.string(),
  type: z.string(),
  severity: z.enum(SEVERITIES),
  title: z.string(),
  status: z.enum(ALERT_STATUSES),
  occurred_at: z.string(),
  received_at: z.string(),
  url: z.optional(z.string()),
  raw_ref: z.string(),
}));

export const listAlertsQuery = /* @__PURE__ */ z.deferred(() => z.strictObject({
  connector: z.optional(z.enum(CONNECTOR_IDS, { error: () => `must be one of ${CONNECTOR_IDS.join(', ')}` })),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
  limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(100))),
}));

export const listAlertsResponse = /* @__PURE__ */ z.deferred(() => z.object({ alerts: z.array(alertView), cursor: z.nullable(z.string()) }));

export const alertParams = /* @__PURE__ */ z.deferred(() => z.object({ alert_id: z.string().check(z.maxLength(64)) }));

export const alertResponse = /* @__PURE__ */ z.deferred(() => z.extend(alertView, { raw: z.unknown(), raw_truncated: z.optional(z.boolean()) }));
