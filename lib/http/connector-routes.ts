import type { ConnectorDef } from '../connectors/kit/define.ts';
import { connectRoute, type WithConnect } from './connector-connect.ts';
import { shapeSchema } from './connector-shape.ts';
import { legacyDisconnectRoute, type WithLegacyDisconnect } from './connector-disconnect.ts';
import { reconnectRoute } from './connector-reconnect.ts';
import { statusRoute } from './connector-status.ts';
import { webhookChallengeRoute, webhookDeliveryRoute, type WithWebhook } from './connector-webhook.ts';
import { webhookCreateRoute, webhookSetupRoute } from './connector-webhook-setup.ts';
import type { RouteDef } from './route-types.ts';

/**
 * The routes every connector gets from its data (lib/connectors/<id>/connector.ts): status (with
 * its legacy status paths as aliases), reconnect, connect when it has a form, its legacy
 * disconnect route when it has one, and its webhook routes when it has a webhook (delivery, its
 * handshake where the tool has one, setup, creation where the tool's API can). Their handlers are
 * generated entry files (functions/connectors/<id>/*.ts, `npm run gen`), one per connector and
 * kind, so each function carries only its own connector's code. Every request and response schema derives from the data.
 */
export function genericRoutes(def: ConnectorDef): RouteDef[] {
  const out: RouteDef[] = [statusRoute(def), reconnectRoute(def)];
  if (def.connect) out.push(connectRoute(def as WithConnect, shapeSchema(def.connect.response)));
  if (def.legacy?.disconnect) out.push(legacyDisconnectRoute(def as WithLegacyDisconnect));
  if (def.webhook) {
    const w = def as WithWebhook;
    out.push(webhookDeliveryRoute(w));
    if (w.webhook.challenge) out.push(webhookChallengeRoute(w));
    out.push(webhookSetupRoute(w));
    if (w.webhook.create) out.push(webhookCreateRoute(w));
  }
  return out;
}
