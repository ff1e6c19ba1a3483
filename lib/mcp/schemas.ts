import * as z from '../zod.ts';
import { isoTime } from '../http/schemas.ts';
import { AGENT_TOKEN_ID_RE } from './token-format.ts';

export const createAgentTokenBody = /* @__PURE__ */ z.deferred(() => z.strictObject({
  name: z.string().check(
    z.minLength(1, 'name must not be empty'),
    z.maxLength(64),
    z.regex(/^[A-Za-z0-9][A-Za-z0-9 ._:@()-]*$/, 'must be letters, digits, spaces and . _ : @ ( ) -'),
  ),
  expires_days: z.optional(z.int().check(z.gte(1))),
}));

const agentToken = /* @__PURE__ */ z.deferred(() => z.object({ id: z.string().check(z.regex(AGENT_TOKEN_ID_RE)), name: z.string(), created_at: isoTime, expires_at: isoTime, expired: z.boolean() }));

export const agentTokenCreatedResponse = /* @__PURE__ */ z.deferred(() => z.extend(agentToken, { token: z.string() }));
export const listAgentTokensResponse = /* @__PURE__ */ z.deferred(() => z.object({ tokens: z.array(agentToken) }));
export const agentTokenParams = /* @__PURE__ */ z.deferred(() => z.strictObject({ id: z.string().check(z.regex(AGENT_TOKEN_ID_RE, 'is not an agent token id')) }));
export const agentTokenRevokedResponse = /* @__PURE__ */ z.deferred(() => z.object({ status: z.literal('revoked'), id: z.string() }));

/** What POST /mcp answers (a JSON-RPC response or a batch of them; lib/mcp/protocol.ts writes it). */
const jsonRpcResponse = /* @__PURE__ */ z.deferred(() => z.looseObject({ jsonrpc: z.literal('2.0'), id: z.union([z.string(), z.number(), z.null()]) }));
export const mcpResponse = /* @__PURE__ */ z.deferred(() => z.union([jsonRpcResponse, z.array(jsonRpcResponse)]));
