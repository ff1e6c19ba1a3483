import { httpHandler, ok } from '../../lib/http/handler.ts';
import { revokeAgentTokenRoute } from '../../lib/mcp/routes.ts';
import { revokeAgentToken } from '../../lib/mcp/agent-tokens.ts';

export const handler = httpHandler(revokeAgentTokenRoute, async ({ principal, params }, d) => {
  await revokeAgentToken(d, principal.userId, params.id);
  return ok({ status: 'revoked', id: params.id });
});
