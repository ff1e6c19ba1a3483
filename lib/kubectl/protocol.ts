import * as z from '../zod.ts';
import { COMMAND_ID_RE } from './tokens.ts';

/**
 * The messages between the kubectl agent (agent/) and the WebSocket API. API Gateway picks the
 * route from `type` (the API's route selection expression is `$request.body.type`), so every
 * message names its type; each route validates its own message strictly.
 */
const version = /* @__PURE__ */ z.deferred(() => z.string().check(z.minLength(1), z.maxLength(100), z.regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')));

export const registerMessage = /* @__PURE__ */ z.deferred(() => z.strictObject({
  type: z.literal('register'),
  agent_version: version,
  kubernetes_version: version,
  /** what the agent's own policy allows: reported, never trusted to widen the service's policy */
  write_mode: z.optional(z.boolean()),
}));

export const heartbeatMessage = /* @__PURE__ */ z.deferred(() => z.strictObject({ type: z.literal('heartbeat') }));

/** API Gateway takes messages of at most 128 KB; the agent caps output to fit. */
export const MAX_OUTPUT_CHARS = 100_000;

export const commandResponseMessage = /* @__PURE__ */ z.deferred(() => z.strictObject({
  type: z.literal('command_response'),
  command_id: z.string().check(z.regex(COMMAND_ID_RE, 'is not a command id')),
  success: z.boolean(),
  output: z.string().check(z.maxLength(MAX_OUTPUT_CHARS)),
  error: z.string().check(z.maxLength(MAX_OUTPUT_CHARS)),
  return_code: z.int().check(z.gte(-1), z.lte(255)),
  truncated: z.optional(z.boolean()),
  /** the agent refused the command itself (outside its verb list) */
  refused: z.optional(z.boolean()),
}));

export type RegisterMessage = z.output<typeof registerMessage>;
export type CommandResponseMessage = z.output<typeof commandResponseMessage>;

/** What the service sends. */
export type ServerMessage =
  | { type: 'connected'; cluster_id: string; cluster_name: string; heartbeat_seconds: number }
  | { type: 'heartbeat_ack' }
  | { type: 'kubectl_command'; command_id: string; argv: string[]; timeout_ms: number }
  | { type: 'revoked'; reason: string }
  | { type: 'error'; code: string; message: string };
