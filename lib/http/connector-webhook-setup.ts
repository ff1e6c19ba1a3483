import * as z from '../zod.ts';
import { accountId } from '../connections/account-id.ts';
import { connectorPaths, type ConnectorDef } from '../connectors/kit/define.ts';
import { createWebhook, webhookSetup } from '../webhooks/setup.ts';
import type { WebhookHooks } from '../webhooks/types.ts';
import { flagOf, PROVIDER_TIMEOUT_SECONDS } from './connector-common.ts';
import type { WithWebhook } from './connector-webhook.ts';
import { httpHandler, ok } from './handler.ts';
import type { RouteDef } from './route-types.ts';

/** GET and POST /api/connectors/<id>/webhook: what to configure in the tool, and its creation through the tool's API. */
export const webhookView = /* @__PURE__ */ z.deferred(() => z.object({
  connector: z.string(),
  account_id: z.string(),
  webhook_id: z.string(),
  url: z.string(),
  method: z.enum(['POST']),
  secret: z.nullable(z.string()),
  headers: z.record(z.string(), z.string()),
  settings: z.record(z.string(), z.unknown()),
  steps: z.array(z.string()),
  created_in_tool: z.boolean(),
  remote_name: z.optional(z.string()),
  create_path: z.optional(z.string()),
}));

export function webhookSetupRoute(def: WithWebhook) {
  return {
    id: `${def.id}.webhookSetup`,
    method: 'GET',
    paths: [connectorPaths(def.id).webhook, ...(def.webhook.setupPath ? [def.webhook.setupPath] : [])],
    handler: `functions/connectors/${def.id}/webhook-setup.ts`,
    auth: 'user',
    summary: `What to configure in ${def.name} for the caller's connection (?account_id=, else the newest): the webhook URL, the headers, the signing secret (shown while ${def.name} still needs it typed in) and the steps`,
    request: { query: /* @__PURE__ */ z.deferred(() => z.object({ account_id: z.optional(accountId) })) },
    responses: { 200: webhookView },
    errors: [404, 409],
    capabilities: ['table', 'secrets'],
    ...flagOf(def),
  } satisfies RouteDef;
}

export function webhookCreateRoute(def: WithWebhook) {
  return {
    id: `${def.id}.webhookCreate`,
    method: 'POST',
    paths: [connectorPaths(def.id).webhook],
    handler: `functions/connectors/${def.id}/webhook-create.ts`,
    auth: 'user',
    summary: `Create (or bring up to date) the webhook in ${def.name} through its API with the caller's credentials; what ${def.name} returns is kept to remove it at disconnect`,
    request: { body: /* @__PURE__ */ z.deferred(() => z.strictObject({ account_id: z.optional(accountId) })) },
    responses: { 200: webhookView },
    errors: [400, 401, 403, 404, 409, 503],
    capabilities: ['table', 'secrets'],
    ...flagOf(def),
    timeoutSeconds: PROVIDER_TIMEOUT_SECONDS,
  } satisfies RouteDef;
}

/** The secret is in the answer: no cache may keep it. */
const NO_STORE = { 'cache-control': 'no-store' };

export const webhookSetupHandler = (def: ConnectorDef, hooks: WebhookHooks) =>
  httpHandler(webhookSetupRoute(def as WithWebhook), async ({ principal, query }, d) => ({ ...ok(await webhookSetup(d, def, hooks, principal.userId, query.account_id)), headers: NO_STORE }));

export const webhookCreateHandler = (def: ConnectorDef, hooks: WebhookHooks) =>
  httpHandler(webhookCreateRoute(def as WithWebhook), async ({ principal, body }, d) => ({ ...ok(await createWebhook(d, def, hooks, principal.userId, body.account_id)), headers: NO_STORE }));
