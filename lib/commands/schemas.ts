import * as z from '../zod.ts';
import { accountId, isoTime, providerId } from '../http/schemas.ts';
import { MAX_COMMAND_LENGTH } from './parse.ts';
import { CONFIRMATION_ID } from './confirmations.ts';
import { SESSION_ID } from './sessions.ts';

export const COMMAND_CLASSES = ['read', 'write', 'destructive', 'sensitive', 'unknown'] as const;
const classification = /* @__PURE__ */ z.deferred(() => z.enum(COMMAND_CLASSES));

/** Project, account and subscription ids of every provider fit this; no value can pose as a flag. */
const scopeId = /* @__PURE__ */ z.deferred(() => z.string().check(
  z.minLength(1),
  z.maxLength(200),
  z.regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/, 'must be a project, account or subscription id (letters, digits, . _ : @ -)'),
));

export const cloudToolBody = /* @__PURE__ */ z.deferred(() => z.strictObject({
  // Checked by the service, so an unknown id answers "Unsupported provider: …" as the original API did.
  provider: z.optional(z.string().check(z.minLength(1), z.maxLength(40))),
  command: z.string().check(z.minLength(1, 'command must not be empty'), z.maxLength(MAX_COMMAND_LENGTH)),
  selected_project_id: z.optional(scopeId),
  confirmation_id: z.optional(z.string().check(z.regex(CONFIRMATION_ID, 'is not a confirmation id'))),
  // provider kubernetes: which cluster (lib/kubectl/cloud-tool.ts); else the caller's only connected one
  cluster_id: z.optional(z.string().check(z.regex(/^kc-[0-9a-f]{24}$/, 'is not a cluster id'))),
  // Ask (read only) unless the caller says otherwise: the safe default.
  mode: z._default(z.enum(['ask', 'agent']), 'ask'),
  // the conversation this command belongs to: without provider, its last provider comes first (lib/commands/sessions.ts)
  session_id: z.optional(z.string().check(z.regex(SESSION_ID, 'must be 1 to 128 letters, digits or . _ : -'))),
}));

/** Which step chose the provider: named in the request, the session's last provider, or the preference order. */
const providerSelectedBy = /* @__PURE__ */ z.deferred(() => z.enum(['request', 'session', 'preference']));

export const runResponse = /* @__PURE__ */ z.deferred(() => z.object({
  success: z.boolean(),
  provider: providerId,
  account_id: z.string(),
  command: z.string(),
  return_code: z.int(),
  /** parsed JSON when the CLI printed JSON, else text (stdout, or stderr when stdout is empty) */
  output: z.unknown(),
  stderr: z.string(),
  classification,
  truncated: z.boolean(),
  timed_out: z.boolean(),
  duration_ms: z.int().check(z.nonnegative()),
  provider_selected_by: z.optional(providerSelectedBy),
}));

export const confirmationResponse = /* @__PURE__ */ z.deferred(() => z.object({
  requires_confirmation: z.literal(true),
  confirmation_id: z.string().check(z.regex(CONFIRMATION_ID)),
  provider: providerId,
  account_id: accountId,
  command: z.string(),
  /** the exact argv that will run, with typed secret values redacted */
  argv: z.array(z.string()),
  classification,
  reason: z.string(),
  expires_at: isoTime,
  provider_selected_by: z.optional(providerSelectedBy),
}));

export const cloudToolResponse = /* @__PURE__ */ z.deferred(() => z.union([runResponse, confirmationResponse]));

export const confirmationParams = /* @__PURE__ */ z.deferred(() => z.strictObject({ id: z.string().check(z.regex(CONFIRMATION_ID, 'is not a confirmation id')) }));
export const cancelResponse = /* @__PURE__ */ z.deferred(() => z.object({ status: z.literal('cancelled') }));
export const approveResponse = /* @__PURE__ */ z.deferred(() => z.object({ status: z.literal('approved') }));
export const openConfirmationsResponse = /* @__PURE__ */ z.deferred(() => z.object({
  confirmations: z.array(
    z.object({
      id: z.string(),
      provider: z.string(),
      account_id: z.nullable(z.string()),
      command: z.string(),
      argv: z.array(z.string()),
      classification: z.string(),
      reason: z.string(),
      requested_by: z.union([z.object({ kind: z.literal('user') }), z.object({ kind: z.literal('agent'), name: z.string() })]),
      state: z.enum(['pending', 'approved']),
      created_at: isoTime,
      expires_at: isoTime,
    }),
  ),
}));

export const recentRunsQuery = /* @__PURE__ */ z.deferred(() => z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
}));
export const recentRunsResponse = /* @__PURE__ */ z.deferred(() => z.object({
  runs: z.array(
    z.object({
      command: z.string(),
      provider: z.string(),
      account_id: z.nullable(z.string()),
      classification: z.nullable(z.string()),
      mode: z.nullable(z.string()),
      exit_code: z.nullable(z.number()),
      timed_out: z.boolean(),
      duration_ms: z.nullable(z.number()),
      at: isoTime,
    }),
  ),
}));
