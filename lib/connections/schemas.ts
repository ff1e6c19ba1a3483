import * as z from '../zod.ts';
import { accountId, isoTime, providerId } from '../http/schemas.ts';
import { CONNECTOR_IDS } from '../connectors/generated/ids.ts';
import { CONNECTION_STATUSES } from './types.ts';

export const connectionView = /* @__PURE__ */ z.deferred(() => z.object({
  provider: providerId,
  account_id: z.string(),
  account_name: z.string(),
  status: z.enum(CONNECTION_STATUSES),
  status_reason: z.optional(z.string()),
  created_at: isoTime,
  updated_at: isoTime,
}));

export const listConnectionsResponse = /* @__PURE__ */ z.deferred(() => z.array(connectionView));

export const markDisconnectedBody = /* @__PURE__ */ z.deferred(() => z.strictObject({ provider: providerId, account_id: accountId }));
export const disconnectedResponse = /* @__PURE__ */ z.deferred(() => z.object({ status: z.literal('disconnected') }));

export const connectedProvidersResponse = /* @__PURE__ */ z.deferred(() => z.object({ providers: z.array(providerId), default_provider: z.nullable(providerId) }));

export const preferenceBody = /* @__PURE__ */ z.deferred(() => z.strictObject({
  provider_preference: z.array(providerId).check(
    z.maxLength(CONNECTOR_IDS.length),
    z.refine((a) => new Set(a).size === a.length, 'must not repeat a provider'),
  ),
}));
export const preferenceResponse = /* @__PURE__ */ z.deferred(() => z.object({ provider_preference: z.array(providerId) }));

export const providerParam = /* @__PURE__ */ z.deferred(() => z.strictObject({ provider: providerId }));
export const providerDisconnectBody = /* @__PURE__ */ z.deferred(() => z.strictObject({ account_id: z.optional(accountId) }));
export const providerDisconnectResponse = /* @__PURE__ */ z.deferred(() => z.object({ status: z.literal('disconnected'), provider: providerId, accounts: z.int() }));
