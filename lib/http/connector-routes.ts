import * as z from 'zod';
import { CONNECTION_STATUSES } from '../connections/types.ts';
import { connectionView } from '../connections/schemas.ts';
import { connectorPaths, type ConnectorDef, type CredentialField, type Shape, type ShapeField } from '../connectors/kit/define.ts';
import type { Capability, RouteDef } from './route-types.ts';
import { accountId } from './schemas.ts';

/**
 * The routes every connector gets from its data (lib/connectors/<id>/connector.ts): status (with
 * the seed's status paths as aliases), reconnect, connect when it has a form, and the seed's own
 * disconnect route when it had one. Their handlers are generated entry files
 * (functions/connectors/<id>/*.ts, `npm run gen`), one per connector, so each function carries
 * only its own connector's code. Every request and response schema here derives from the data.
 */

/** What the generic routes of a connector touch: the table, the secret store if it keeps credentials there, and what it declares. */
export function connectorCapabilities(def: Pick<ConnectorDef, 'storesSecret' | 'capabilities'>): Capability[] {
  return ['table', ...(def.storesSecret ? (['secrets'] as const) : []), ...(def.capabilities ?? [])];
}

/** Live checks and connects call the provider (with retries): as long as the HTTP API allows. */
const PROVIDER_TIMEOUT_SECONDS = 29;

/** One form field as the body schema validates it; an empty or null optional field counts as absent (HTML forms send ""). */
export function fieldSchema(f: CredentialField): z.ZodType {
  let s = z.string();
  if (f.trim) s = s.trim();
  if (!f.pattern) s = s.min(1, 'must not be empty');
  if (f.maxLength) s = s.max(f.maxLength);
  if (f.pattern) s = s.regex(new RegExp(f.pattern), f.message ?? 'has the wrong format');
  return f.required ? s : z.preprocess((v) => (v === '' || v === null ? undefined : v), s.optional());
}

/** The connect route's body: exactly the connector's fields (unknown ones are refused). */
export function connectBody(def: Pick<ConnectorDef, 'fields'>) {
  return z.strictObject(Object.fromEntries(def.fields.map((f) => [f.name, fieldSchema(f)])));
}

function valueSchema(v: Shape[string]): z.ZodType {
  const f: ShapeField = typeof v === 'string' ? { type: v } : v;
  let s: z.ZodType =
    f.const !== undefined ? z.literal(f.const) : f.type === 'integer' ? z.number().int() : f.type === 'boolean' ? z.boolean() : f.type === 'string[]' ? z.array(z.string()) : z.string();
  if (f.nullable) s = s.nullable();
  if (f.optional) s = s.optional();
  return s;
}

/** A response shape described as data (a connector's legacy answers). */
export function shapeSchema(shape: Shape) {
  return z.object(Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, valueSchema(v)])));
}

/** The one status shape: connected, provider, status, reason when not connected, then the connector's own fields. */
export function statusResponse(def: Pick<ConnectorDef, 'id' | 'status'>) {
  const own = Object.fromEntries(def.status.fields.map((f) => [f.name, (f.type === 'boolean' ? z.boolean() : z.string()).nullable().optional()]));
  return z.object({ connected: z.boolean(), provider: z.literal(def.id), status: z.enum(CONNECTION_STATUSES), reason: z.string().optional(), ...own });
}

function accountSchema(def: Pick<ConnectorDef, 'account'>): z.ZodType {
  return def.account.pattern ? z.string().regex(new RegExp(def.account.pattern), def.account.message ?? 'has the wrong format') : accountId;
}

/** ?account_id= (and the names the seed's status route used for it), each validated as the connector's account id. */
export function statusQuery(def: Pick<ConnectorDef, 'account'>) {
  const names = ['account_id', ...(def.account.queryAliases ?? [])];
  return z.object(Object.fromEntries(names.map((n) => [n, accountSchema(def).optional()])));
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
    request: { query: statusQuery(def) },
    responses: { 200: statusResponse(def) },
    errors: [404, ...(def.status.onFault === 'unavailable' ? [503] : [])],
    capabilities: connectorCapabilities(def),
    ...(def.featureFlag ? { featureFlag: def.featureFlag.key as RouteDef['featureFlag'] } : {}),
    timeoutSeconds: PROVIDER_TIMEOUT_SECONDS,
  } satisfies RouteDef;
}

export function reconnectRoute(def: ConnectorDef) {
  return {
    id: `${def.id}.reconnect`,
    method: 'POST',
    paths: [connectorPaths(def.id).reconnect],
    handler: `functions/connectors/${def.id}/reconnect.ts`,
    auth: 'user',
    summary: `Bring a kept ${def.name} connection back (after DELETE /api/user_connections) by re-validating its stored credentials; connected, or error with the reason`,
    request: { body: z.strictObject({ account_id: accountId }) },
    responses: { 200: connectionView },
    errors: [404, 409, 503],
    capabilities: connectorCapabilities(def),
    ...(def.featureFlag ? { featureFlag: def.featureFlag.key as RouteDef['featureFlag'] } : {}),
    timeoutSeconds: PROVIDER_TIMEOUT_SECONDS,
  } satisfies RouteDef;
}

export function connectRoute(def: ConnectorDef & { connect: NonNullable<ConnectorDef['connect']> }) {
  return {
    id: def.connect.id,
    method: def.connect.method,
    paths: [def.connect.path],
    handler: `functions/connectors/${def.id}/connect.ts`,
    auth: 'user',
    summary: def.connect.summary,
    request: { body: connectBody(def) },
    responses: { 200: shapeSchema(def.connect.response) },
    errors: [400, 401, 403, 404, 503],
    capabilities: connectorCapabilities(def),
    ...(def.featureFlag ? { featureFlag: def.featureFlag.key as RouteDef['featureFlag'] } : {}),
    timeoutSeconds: PROVIDER_TIMEOUT_SECONDS,
  } satisfies RouteDef;
}

type LegacyDisconnect = NonNullable<NonNullable<ConnectorDef['legacy']>['disconnect']>;

export function legacyDisconnectRoute(def: ConnectorDef & { legacy: { disconnect: LegacyDisconnect } }) {
  const legacy = def.legacy.disconnect;
  return {
    id: legacy.id,
    method: legacy.method,
    paths: [legacy.path],
    handler: `functions/connectors/${def.id}/disconnect.ts`,
    auth: 'user',
    summary: `Remove every ${def.name} connection: what we created at the provider, the credentials and the records (the seed's path of DELETE ${connectorPaths(def.id).disconnect})`,
    request: { body: z.strictObject({}) },
    responses: { 200: z.object(Object.fromEntries(Object.entries(legacy.response).map(([k, v]) => [k, z.literal(v)]))) },
    errors: def.featureFlag ? [404] : [],
    capabilities: connectorCapabilities(def),
    ...(def.featureFlag ? { featureFlag: def.featureFlag.key as RouteDef['featureFlag'] } : {}),
    timeoutSeconds: PROVIDER_TIMEOUT_SECONDS,
  } satisfies RouteDef;
}

/** Every route a connector gets from its data, in table order. */
export function genericRoutes(def: ConnectorDef): RouteDef[] {
  const out: RouteDef[] = [statusRoute(def), reconnectRoute(def)];
  if (def.connect) out.push(connectRoute(def as Parameters<typeof connectRoute>[0]));
  if (def.legacy?.disconnect) out.push(legacyDisconnectRoute(def as Parameters<typeof legacyDisconnectRoute>[0]));
  return out;
}

const catalogueField = z.object({
  name: z.string(),
  label: z.string(),
  secret: z.boolean(),
  required: z.boolean(),
  pattern: z.string().optional(),
  example: z.string().optional(),
  description: z.string(),
  max_length: z.number().int().optional(),
});
const address = z.object({ method: z.enum(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']), path: z.string() });

export const catalogueResponse = z.object({
  connectors: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      kind: z.enum(['cloud', 'tool', 'cluster']),
      auth_kind: z.string(),
      enabled: z.boolean(),
      fields: z.array(catalogueField),
      connect: address.optional(),
      oauth: address.extend({ url_field: z.string() }).optional(),
      onboarding: address.optional(),
      status_path: z.string(),
      disconnect_path: z.string(),
      reconnect_path: z.string(),
      account_id_label: z.string(),
      clis: z.array(z.string()),
      legacy_paths: z.array(z.string()),
    }),
  ),
});

export const catalogueRoute = {
  id: 'connectors.catalogue',
  method: 'GET',
  paths: ['/api/connectors'],
  handler: 'functions/connectors/catalogue.ts',
  auth: 'user',
  summary: 'Every connector with what the console builds its cards and forms from: form fields (secret ones marked), routes, and whether its feature flag is on',
  request: {},
  responses: { 200: catalogueResponse },
  capabilities: [],
} satisfies RouteDef;
