import * as z from '../zod.ts';
import { disconnectWithHooks } from '../connections/service.ts';
import type { RevokeHooks } from '../connectors/kit/behaviour.ts';
import { connectorPaths, type ConnectorDef } from '../connectors/kit/define.ts';
import { connectorCapabilities, flagOf, PROVIDER_TIMEOUT_SECONDS } from './connector-common.ts';
import { httpHandler, ok } from './handler.ts';
import type { RouteDef } from './route-types.ts';

type LegacyDisconnect = NonNullable<NonNullable<ConnectorDef['legacy']>['disconnect']>;

export type WithLegacyDisconnect = ConnectorDef & { legacy: { disconnect: LegacyDisconnect } };

export function legacyDisconnectRoute(def: WithLegacyDisconnect) {
  const legacy = def.legacy.disconnect;
  return {
    id: legacy.id,
    method: legacy.method,
    paths: [legacy.path],
    handler: `functions/connectors/${def.id}/disconnect.ts`,
    auth: 'user',
    summary: `Remove every ${def.name} connection: what we created at the provider, the credentials and the records (the legacy path of DELETE ${connectorPaths(def.id).disconnect})`,
    request: { body: /* @__PURE__ */ z.deferred(() => z.strictObject({})) },
    responses: { 200: /* @__PURE__ */ z.deferred(() => z.object(Object.fromEntries(Object.entries(legacy.response).map(([k, v]) => [k, typeof v === 'string' ? z.enum([v]) : z.literal(v)])))) },
    errors: def.featureFlag ? [404] : [],
    capabilities: connectorCapabilities(def),
    ...flagOf(def),
    timeoutSeconds: PROVIDER_TIMEOUT_SECONDS,
  } satisfies RouteDef;
}


/** A legacy disconnect route (POST …/disconnect): the same removal as DELETE /api/auth/{id}/disconnect, the legacy answer. */
export const legacyDisconnectHandler = (def: ConnectorDef, hooks: RevokeHooks = {}) => {
  const route = legacyDisconnectRoute(def as WithLegacyDisconnect);
  return httpHandler(route, async ({ principal }, d) => {
    await disconnectWithHooks(d, principal.userId, def.id as Parameters<typeof disconnectWithHooks>[2], hooks);
    return ok((def as WithLegacyDisconnect).legacy.disconnect.response);
  });
};
