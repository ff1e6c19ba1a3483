import { connectWith } from '../connections/connect.ts';
import { reconnectConnection } from '../connections/reconnect.ts';
import { disconnectWithHooks } from '../connections/service.ts';
import { connectorStatus } from '../connections/status.ts';
import type { ConnectorCheck, RevokeHooks, Verify } from '../connectors/kit/behaviour.ts';
import type { ConnectorDef } from '../connectors/kit/define.ts';
import { connectRoute, legacyDisconnectRoute, reconnectRoute, statusAccount, statusRoute } from './connector-routes.ts';
import { httpHandler, ok } from './handler.ts';

/**
 * The handlers of every connector's generic routes (lib/http/connector-routes.ts). Each generated
 * entry file (functions/connectors/<id>/*.ts) calls one of these with its own connector's data
 * and behaviour module, so its bundle holds that connector only.
 */

type Id = ConnectorDef['id'];
const provider = (def: ConnectorDef) => def.id as Parameters<typeof disconnectWithHooks>[2] & Id;

export const statusHandler = (def: ConnectorDef, check: ConnectorCheck) =>
  httpHandler(statusRoute(def), async ({ principal, query }, d) => ok(await connectorStatus(d, def, check, principal.userId, statusAccount(def, query))));

export const reconnectHandler = (def: ConnectorDef, check: ConnectorCheck) =>
  httpHandler(reconnectRoute(def), async ({ principal, body }, d) => ok(await reconnectConnection(d, def, check, principal.userId, body.account_id)));

export const connectHandler = (def: ConnectorDef, verify: Verify) =>
  httpHandler(connectRoute(def as Parameters<typeof connectRoute>[0]), async ({ principal, body }, d) => ok(await connectWith(d, def, verify, principal.userId, body as Record<string, string | undefined>)));

/** The seed's own disconnect route (POST …/disconnect): the same removal as DELETE /api/auth/{id}/disconnect, the seed's answer. */
export const legacyDisconnectHandler = (def: ConnectorDef, hooks: RevokeHooks = {}) =>
  httpHandler(legacyDisconnectRoute(def as Parameters<typeof legacyDisconnectRoute>[0]), async ({ principal }, d) => {
    await disconnectWithHooks(d, principal.userId, provider(def), hooks);
    return ok(def.legacy!.disconnect!.response);
  });
