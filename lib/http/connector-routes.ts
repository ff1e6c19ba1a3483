import type { ConnectorDef } from '../connectors/kit/define.ts';
import { connectRoute, type WithConnect } from './connector-connect.ts';
import { shapeSchema } from './connector-shape.ts';
import { legacyDisconnectRoute, type WithLegacyDisconnect } from './connector-disconnect.ts';
import { reconnectRoute } from './connector-reconnect.ts';
import { statusRoute } from './connector-status.ts';
import type { RouteDef } from './route-types.ts';

/**
 * The routes every connector gets from its data (lib/connectors/<id>/connector.ts): status (with
 * its legacy status paths as aliases), reconnect, connect when it has a form, and its legacy
 * disconnect route when it has one. Their handlers are generated entry files
 * (functions/connectors/<id>/*.ts, `npm run gen`), one per connector and kind, so each function
 * carries only its own connector's code. Every request and response schema derives from the data.
 */
export function genericRoutes(def: ConnectorDef): RouteDef[] {
  const out: RouteDef[] = [statusRoute(def), reconnectRoute(def)];
  if (def.connect) out.push(connectRoute(def as WithConnect, shapeSchema(def.connect.response)));
  if (def.legacy?.disconnect) out.push(legacyDisconnectRoute(def as WithLegacyDisconnect));
  return out;
}
