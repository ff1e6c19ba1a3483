import type { Setting } from '../../config/define.ts';

/**
 * What a connector is, as data (lib/connectors/<id>/connector.ts). Generic code reads these
 * fields: the route table builds each connector's status, reconnect, connect and legacy routes from
 * them, lib/config.ts registers `settings`, cloud_tool takes `clis`, GET /api/connectors shows
 * `fields` as the console's form, and the OpenAPI document follows. Behaviour lives beside it in
 * small files with fixed names (check.ts, verify.ts, revoke.ts, exec.ts, routes.ts), found by
 * `npm run gen` (scripts/gen.ts); docs/CONVENTIONS.md says how to add one.
 */

export type ConnectorKind = 'cloud' | 'tool' | 'cluster';

/** How a user proves access; the console picks its form from this and `fields`. */
export type AuthKind =
  | 'oauth2'
  | 'iam_role'
  | 'service_principal'
  | 'api_key'
  | 'oauth_client_credentials'
  /** a token, often with the base URL of a self-hosted or regional instance (tool connectors) */
  | 'api_token'
  /** a token we issue to an agent running on the user's side (cluster connectors); no secret store credential */
  | 'agent_token';

/**
 * One input of the connect form (and of the connect route's body, which is derived from it, so the
 * console and the API validate alike). `secret` fields go to the secret store only: generic code
 * builds the stored document from them and refuses a connection whose metadata names one.
 */
export interface CredentialField {
  name: string;
  label: string;
  description: string;
  secret: boolean;
  required: boolean;
  /** a JavaScript regular expression source (no flags), usable as is by the browser */
  pattern?: string;
  /** what the error says when the value does not match `pattern` ("must be ...") */
  message?: string;
  example?: string;
  maxLength?: number;
  /** surrounding spaces are removed before validation (names and ids pasted from a console) */
  trim?: boolean;
}

/** A value in a response shape described as data (legacy route answers, status fields). */
export type ValueType = 'string' | 'integer' | 'boolean' | 'string[]';
export interface ShapeField {
  type: ValueType;
  nullable?: boolean;
  optional?: boolean;
  /** a constant: the field always has this value */
  const?: string | boolean;
}
export type Shape = Record<string, ValueType | ShapeField>;

/** Where a status field's value comes from: the connection record, or the live check (`CheckResult.fields`). */
export type FieldSource = 'account_id' | 'account_name' | `metadata.${string}` | 'check';

export interface StatusField {
  name: string;
  /** the first source that has a value wins */
  from: FieldSource | readonly FieldSource[];
  type: 'string' | 'boolean';
  /** present as null when there is no connection to show */
  nullable?: boolean;
}

export interface HttpAddress {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  path: string;
}

export interface ConnectorDef<Id extends string = string> {
  id: Id;
  /** display name */
  name: string;
  kind: ConnectorKind;
  authKind: AuthKind;
  /**
   * A connector behind a flag: `FEATURE_FLAG_<ID>_ENABLED`, a boolean setting of its own section
   * (lib/config.ts reads it by that name; `npm run gen` checks it). While it is off
   * the connector's routes answer 404 and its connections are hidden; config().features says, per
   * connector id, whether it is on (always, without a flag), and a route's `featureFlag` is the id.
   */
  featureFlag?: string;
  /** its settings section (lib/config.ts registers it under the connector id) */
  settings?: { settings: Record<string, Setting>; build: (values: never) => unknown };
  /** command-line tools cloud_tool runs with this connector's credentials */
  clis: readonly string[];
  /** false when nothing goes to the secret store (AWS role assumption; cluster agent tokens are hashed in the table) */
  storesSecret: boolean;
  /** what its checks and connect touch besides the table and the secret store */
  capabilities?: readonly 'sts'[];
  /** the account a connection is for */
  account: {
    label: string;
    pattern?: string;
    message?: string;
    /** other query names the legacy status route accepted for `account_id` */
    queryAliases?: readonly string[];
    /** account ids compare case-insensitively (GUIDs) */
    caseInsensitive?: boolean;
  };
  /** the connect form; empty for OAuth-only connectors */
  fields: readonly CredentialField[];
  /** the route that takes `fields` (served generically with the connector's verify.ts); its answer as data */
  connect?: HttpAddress & { id: string; summary: string; response: Shape };
  /** the OAuth login or initiate route (its own routes.ts), and the response field holding the consent URL */
  oauth?: HttpAddress & { urlField: string };
  /** a step before connecting (AWS: the External ID to put in the role's trust policy) */
  onboarding?: HttpAddress;
  status: {
    fields: readonly StatusField[];
    /**
     * A provider fault (5xx, timeout) during a status check: `error` records it on the connection
     * with its reason; `unavailable` answers 503 and changes nothing.
     */
    onFault: 'error' | 'unavailable';
    /** shown when the user has no connection of this connector */
    notConnected: string;
  };
  /**
   * Alert webhooks the tool posts to us (lib/webhooks/, behaviour in the connector's webhook.ts):
   * one unguessable id and one signing secret per connection. `path` is the delivery route and must
   * hold `{id}`; `setupPath` a legacy alias of GET /api/connectors/<id>/webhook (what to configure in
   * the tool); `create` says the tool's API can create the webhook for the user
   * (POST /api/connectors/<id>/webhook, webhook.ts exports `create`); `challenge` serves GET on the
   * delivery path too (a tool that proves the URL with a handshake first).
   */
  webhook?: {
    path: string;
    setupPath?: string;
    create?: boolean;
    challenge?: boolean;
  };
  /**
   * The credential proxy (GET|POST /api/proxy/<id>/<path>, lib/proxy/; behaviour in the connector's
   * proxy.ts: the API base and the credential headers). `readOnlyPosts`: the POST paths that only
   * read (searches, queries), allowed in Ask mode; a `{name}` segment matches any one segment.
   */
  proxy?: {
    readOnlyPosts: readonly string[];
  };
  /** the per-connector paths of the original API, served by the same code as the generic routes */
  legacy?: {
    status?: readonly string[];
    disconnect?: HttpAddress & { id: string; response: Record<string, string | boolean> };
  };
}

/** Keeps the literal types (ids, flags, settings) so the list can derive its unions from them. */
export function defineConnector<const Id extends string, const C extends ConnectorDef<Id>>(def: C & { id: Id }): C {
  return def;
}

export const connectorPaths = (id: string) => ({
  status: `/api/connectors/${id}/status`,
  reconnect: `/api/connectors/${id}/reconnect`,
  disconnect: `/api/auth/${id}/disconnect`,
  connect: `/api/connectors/${id}/connect`,
  webhook: `/api/connectors/${id}/webhook`,
});
