import type { ConnectorDef } from '../connectors/kit/define.ts';
import type { Capability, RouteDef } from './route-types.ts';

/**
 * What the routes every connector gets from its data share (lib/http/connector-routes.ts lists
 * them). One module per route kind, each holding its schema builders and its handler factory:
 * a generated entry file (functions/connectors/<id>/*.ts) imports only the kind it serves, so no
 * function carries another kind's schemas.
 */

/** What the generic routes of a connector touch: the table, the secret store if it keeps credentials there, and what it declares. */
export function connectorCapabilities(def: Pick<ConnectorDef, 'storesSecret' | 'capabilities'>): Capability[] {
  return ['table', ...(def.storesSecret ? (['secrets'] as const) : []), ...(def.capabilities ?? [])];
}

/** Live checks and connects call the provider (with retries): as long as the HTTP API allows. */
export const PROVIDER_TIMEOUT_SECONDS = 29;

/** The route's feature gate: the connector's flag. */
export const flagOf = (def: Pick<ConnectorDef, 'id' | 'featureFlag'>) => (def.featureFlag ? { featureFlag: def.id as NonNullable<RouteDef['featureFlag']> } : {});
