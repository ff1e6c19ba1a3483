import * as z from '../zod.ts';
import { connectWith } from '../connections/connect.ts';
import type { Verify } from '../connectors/kit/behaviour.ts';
import type { ConnectorDef, CredentialField } from '../connectors/kit/define.ts';
import { connectorCapabilities, flagOf, PROVIDER_TIMEOUT_SECONDS } from './connector-common.ts';
import { httpHandler, ok } from './handler.ts';
import type { RouteDef } from './route-types.ts';

/** One form field as the body schema validates it; an empty or null optional field counts as absent (HTML forms send ""). */
export function fieldSchema(f: CredentialField): z.ZodMiniType {
  let s = z.string();
  if (f.trim) s = s.check(z.trim());
  if (!f.pattern) s = s.check(z.minLength(1, 'must not be empty'));
  if (f.maxLength) s = s.check(z.maxLength(f.maxLength));
  if (f.pattern) s = s.check(z.regex(new RegExp(f.pattern), f.message ?? 'has the wrong format'));
  return f.required ? s : z.pipe(z.transform((v) => (v === '' || v === null ? undefined : v)), z.optional(s));
}

/** The connect route's body: exactly the connector's fields (unknown ones are refused). */
export function connectBody(def: Pick<ConnectorDef, 'fields'>) {
  return z.strictObject(Object.fromEntries(def.fields.map((f) => [f.name, fieldSchema(f)])));
}

export type WithConnect = ConnectorDef & { connect: NonNullable<ConnectorDef['connect']> };

/** `response`: the schema of the connector's `connect.response` (lib/http/connector-shape.ts). */
export function connectRoute(def: WithConnect, response: z.ZodMiniType) {
  return {
    id: def.connect.id,
    method: def.connect.method,
    paths: [def.connect.path],
    handler: `functions/connectors/${def.id}/connect.ts`,
    auth: 'user',
    summary: def.connect.summary,
    request: { body: /* @__PURE__ */ z.deferred(() => connectBody(def)) },
    responses: { 200: response },
    errors: [400, 401, 403, 404, 503],
    capabilities: connectorCapabilities(def),
    ...flagOf(def),
    timeoutSeconds: PROVIDER_TIMEOUT_SECONDS,
  } satisfies RouteDef;
}


/**
 * A connector's connect route (its `connect` data) with its verify.ts (its generated entry file).
 * The entry file passes the response schema printed from the data (shapeCode), so a bundle holds
 * only the zod types its own answer uses (a number type alone is 5 KB).
 */
export const connectHandler = (def: ConnectorDef, verify: Verify, response: z.ZodMiniType) =>
  httpHandler(connectRoute(def as WithConnect, response), async ({ principal, body }, d) => ok(await connectWith(d, def, verify, principal.userId, body as Record<string, string | undefined>)));
