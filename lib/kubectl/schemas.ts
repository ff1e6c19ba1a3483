import * as z from '../zod.ts';
import { isoTime } from '../http/schemas.ts';
import { CLUSTER_ID_RE, TOKEN_ID_RE } from './tokens.ts';

const clusterName = /* @__PURE__ */ z.deferred(() => z.string().check(
  z.minLength(1, 'cluster_name must not be empty'),
  z.maxLength(63),
  z.regex(/^[A-Za-z0-9][A-Za-z0-9._ -]*$/, 'must start with a letter or digit and hold only letters, digits, spaces, . _ -'),
));

const expiresDays = /* @__PURE__ */ z.deferred(() => z.int().check(z.gte(1), z.lte(3650)));

export const createTokenBody = /* @__PURE__ */ z.deferred(() => z.strictObject({
  cluster_name: clusterName,
  notes: z.optional(z.string().check(z.maxLength(500), z.regex(/^[^\u0000-\u0008\u000b-\u001f\u007f]*$/, 'must not contain control characters'))),
  expires_days: z.optional(expiresDays),
}));

export const rotateTokenBody = /* @__PURE__ */ z.deferred(() => z.strictObject({ expires_days: z.optional(expiresDays) }));

export const clusterParams = /* @__PURE__ */ z.deferred(() => z.strictObject({ cluster_id: z.string().check(z.regex(CLUSTER_ID_RE, 'is not a cluster id')) }));
export const tokenParams = /* @__PURE__ */ z.deferred(() => z.strictObject({ token_id: z.string().check(z.regex(TOKEN_ID_RE, 'is not an agent token id')) }));

export const tokenIssuedResponse = /* @__PURE__ */ z.deferred(() => z.object({
  /** shown once: only its hash is kept */
  token: z.string(),
  token_id: z.string(),
  cluster_id: z.string(),
  cluster_name: z.string(),
  expires_at: isoTime,
  install: z.object({ helm_command: z.string(), values_yaml: z.string() }),
}));

export const tokenRotatedResponse = /* @__PURE__ */ z.deferred(() => z.extend(tokenIssuedResponse, { replaces_token_id: z.string() }));

export const clusterConnectionView = /* @__PURE__ */ z.deferred(() => z.object({
  cluster_id: z.string(),
  cluster_name: z.string(),
  status: z.enum(['connected', 'stale', 'disconnected']),
  agent_version: z.nullable(z.string()),
  kubernetes_version: z.nullable(z.string()),
  last_heartbeat_at: z.nullable(isoTime),
  connected_at: z.nullable(isoTime),
  token_id: z.string(),
  write_mode: z.nullable(z.boolean()),
}));

export const listClusterConnectionsResponse = /* @__PURE__ */ z.deferred(() => z.array(clusterConnectionView));

export const revokedResponse = /* @__PURE__ */ z.deferred(() => z.object({
  status: z.literal('revoked'),
  cluster_id: z.string(),
  cluster_name: z.string(),
  uninstall: z.object({ helm_command: z.string(), note: z.string() }),
}));
