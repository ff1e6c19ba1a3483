/**
 * What an MCP agent token looks like: `aurora_agent_` + 32 random bytes, base64url (made by
 * newBearerToken of lib/kubectl/tokens.ts). Kept apart, with no imports, because every HTTP
 * function reads it (lib/http/handler.ts refuses these tokens on the user routes) and must not
 * pay for the token store to do so.
 */
export const MCP_TOKEN_PREFIX = 'aurora_agent_';
export const MCP_TOKEN_RE = /^aurora_agent_[A-Za-z0-9_-]{43}$/;
export const AGENT_TOKEN_ID_RE = /^at-[0-9a-f]{24}$/;

/** Whether an Authorization header carries an MCP agent token (never echoes it). */
export function carriesAgentToken(authorization: string | undefined): boolean {
  return !!authorization && /^Bearer[ \t]+aurora_agent_/i.test(authorization);
}
