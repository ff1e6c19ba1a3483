import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from '../zod.ts';
import type { ConnectorDef } from '../connectors/kit/define.ts';
import { answerChallenge, receiveDelivery } from '../webhooks/deliver.ts';
import type { Delivery, WebhookHooks } from '../webhooks/types.ts';
import { flagOf } from './connector-common.ts';
import { httpHandler, ok } from './handler.ts';
import type { RouteDef } from './route-types.ts';

/**
 * The routes a connector with a `webhook` gets from its data (lib/connectors/kit/define.ts): the
 * delivery route the tool posts to (open: the signature is the authentication), its GET handshake
 * where the tool has one, what to configure (GET /api/connectors/<id>/webhook and the legacy
 * path) and, where the tool's API can, the creation (POST /api/connectors/<id>/webhook): those two
 * live in ./connector-webhook-setup.ts, so a delivery function carries none of their code. The
 * handlers are generated entry files (functions/connectors/<id>/webhook*.ts).
 */
export type WithWebhook = ConnectorDef & { webhook: NonNullable<ConnectorDef['webhook']> };

/** Deliveries touch the table and the secret store only: no call to the tool before answering. */
const DELIVERY_CAPABILITIES: RouteDef['capabilities'] = ['table', 'secrets'];
const webhookParam = /* @__PURE__ */ z.deferred(() => z.object({ id: z.string() }));

export const deliveryResponse = /* @__PURE__ */ z.deferred(() => z.object({ received: z.int(), stored: z.int(), duplicates: z.int() }));

export function webhookDeliveryRoute(def: WithWebhook) {
  return {
    id: `${def.id}.webhook`,
    method: 'POST',
    paths: [def.webhook.path],
    handler: `functions/connectors/${def.id}/webhook.ts`,
    auth: 'open',
    summary: `${def.name} alert webhook of one connection ({id} is its webhook id): verified with its signing secret in constant time, inside the replay window, deduplicated by the tool's event id, stored; any refusal is 401 with nothing stored`,
    request: { params: webhookParam },
    responses: { 200: deliveryResponse },
    errors: [400, 401, 413],
    capabilities: DELIVERY_CAPABILITIES,
    ...flagOf(def),
  } satisfies RouteDef;
}

export function webhookChallengeRoute(def: WithWebhook) {
  return {
    id: `${def.id}.webhookChallenge`,
    method: 'GET',
    paths: [def.webhook.path],
    handler: `functions/connectors/${def.id}/webhook-challenge.ts`,
    auth: 'open',
    summary: `${def.name}'s handshake on the webhook URL, answered with the connection's signing secret`,
    request: { params: webhookParam },
    responses: { 200: /* @__PURE__ */ z.deferred(() => z.looseObject({})) },
    errors: [400, 401],
    capabilities: DELIVERY_CAPABILITIES,
    ...flagOf(def),
  } satisfies RouteDef;
}

function deliveryOf(event: APIGatewayProxyEventV2): Delivery {
  const raw = event.body ?? '';
  return {
    headers: event.headers ?? {},
    rawBody: event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw,
    query: event.queryStringParameters ?? {},
  };
}

export const webhookHandler = (def: ConnectorDef, hooks: WebhookHooks) =>
  httpHandler(webhookDeliveryRoute(def as WithWebhook), async ({ params, event }, d) => ok(await receiveDelivery(d, def.id, hooks, params.id, deliveryOf(event))));

export const webhookChallengeHandler = (def: ConnectorDef, hooks: WebhookHooks) =>
  httpHandler(webhookChallengeRoute(def as WithWebhook), async ({ params, event }, d) => {
    const answer = await answerChallenge(d, def.id, hooks, params.id, deliveryOf(event));
    return ok(answer.body, answer.status);
  });

