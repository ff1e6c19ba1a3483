import * as z from '../zod.ts';
import { connectionView } from '../connections/schemas.ts';
import { reconnectConnection } from '../connections/reconnect.ts';
import type { ConnectorCheck } from '../connectors/kit/behaviour.ts';
import { connectorPaths, type ConnectorDef } from '../connectors/kit/define.ts';
import { connectorCapabilities, flagOf, PROVIDER_TIMEOUT_SECONDS } from './connector-common.ts';
import { httpHandler, ok } from './handler.ts';
import type { RouteDef } from './route-types.ts';
import { accountId } from '../connections/account-id.ts';

export function reconnectRoute(def: ConnectorDef) {
  return {
    id: `${def.id}.reconnect`,
    method: 'POST',
    paths: [connectorPaths(def.id).reconnect],
    handler: `functions/connectors/${def.id}/reconnect.ts`,
    auth: 'user',
    summary: `Bring a kept ${def.name} connection back (after DELETE /api/user_connections) by re-validating its stored credentials; connected, or error with the reason`,
    request: { body: /* @__PURE__ */ z.deferred(() => z.strictObject({ account_id: accountId })) },
    responses: { 200: connectionView },
    errors: [404, 409, 503],
    capabilities: connectorCapabilities(def),
    ...flagOf(def),
    timeoutSeconds: PROVIDER_TIMEOUT_SECONDS,
  } satisfies RouteDef;
}


/** POST /api/connectors/{id}/reconnect for one connector (its generated entry file). */
export const reconnectHandler = (def: ConnectorDef, check: ConnectorCheck) =>
  httpHandler(reconnectRoute(def), async ({ principal, body }, d) => ok(await reconnectConnection(d, def, check, principal.userId, body.account_id)));
