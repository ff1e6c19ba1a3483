import * as z from '../zod.ts';
import { CONNECTION_STATUSES } from '../connections/types.ts';
import { connectorStatus } from '../connections/status.ts';
import type { ConnectorCheck } from '../connectors/kit/behaviour.ts';
import { connectorPaths, type ConnectorDef } from '../connectors/kit/define.ts';
import { connectorCapabilities, flagOf, PROVIDER_TIMEOUT_SECONDS } from './connector-common.ts';
import { httpHandler, ok } from './handler.ts';
import type { RouteDef } from './route-types.ts';
import { accountId } from '../connections/account-id.ts';

/** The one status shape: connected, provider, status, reason when not connected, then the connector's own fields. */
export function statusResponse(def: Pick<ConnectorDef, 'id' | 'status'>) {
  const own = Object.fromEntries(def.status.fields.map((f) => [f.name, z.optional(z.nullable(f.type === 'boolean' ? z.boolean() : z.string()))]));
  return z.object({ connected: z.boolean(), provider: z.enum([def.id]), status: z.enum(CONNECTION_STATUSES), reason: z.optional(z.string()), ...own });
}

function accountSchema(def: Pick<ConnectorDef, 'account'>): z.ZodMiniType<string> {
  return def.account.pattern ? z.string().check(z.regex(new RegExp(def.account.pattern), def.account.message ?? 'has the wrong format')) : accountId;
}

/** ?account_id= (and the names its legacy status route used for it), each validated as the connector's account id. */
export function statusQuery(def: Pick<ConnectorDef, 'account'>) {
  const names = ['account_id', ...(def.account.queryAliases ?? [])];
  return z.object(Object.fromEntries(names.map((n) => [n, z.optional(accountSchema(def))])));
}

/** The account a status request names, under whichever name it used. */
export function statusAccount(def: Pick<ConnectorDef, 'account'>, query: Record<string, unknown>): string | undefined {
  const named = ['account_id', ...(def.account.queryAliases ?? [])].map((n) => query[n]).find((v) => typeof v === 'string');
  return named as string | undefined;
}

export function statusRoute(def: ConnectorDef) {
  return {
    id: `${def.id}.status`,
    method: 'GET',
    paths: [connectorPaths(def.id).status, ...(def.legacy?.status ?? [])],
    handler: `functions/connectors/${def.id}/status.ts`,
    auth: 'user',
    summary: `Live check of the caller's ${def.name} connection (?account_id=, else the newest in use); a refusal or an outage is recorded on it, credentials kept`,
    request: { query: /* @__PURE__ */ z.deferred(() => statusQuery(def)) },
    responses: { 200: /* @__PURE__ */ z.deferred(() => statusResponse(def)) },
    errors: [404, ...(def.status.onFault === 'unavailable' ? [503] : [])],
    capabilities: connectorCapabilities(def),
    ...flagOf(def),
    timeoutSeconds: PROVIDER_TIMEOUT_SECONDS,
  } satisfies RouteDef;
}


/** GET /api/connectors/{id}/status and its legacy status paths, for one connector (its generated entry file). */
export const statusHandler = (def: ConnectorDef, check: ConnectorCheck) =>
  httpHandler(statusRoute(def), async ({ principal, query }, d) => ok(await connectorStatus(d, def, check, principal.userId, statusAccount(def, query))));
