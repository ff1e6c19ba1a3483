import { httpHandler, ok } from '../../lib/http/handler.ts';
import { listAgentTokensRoute } from '../../lib/mcp/routes.ts';
import { listAgentTokens } from '../../lib/mcp/agent-tokens.ts';

export const handler = httpHandler(listAgentTokensRoute, async ({ principal }, d) => ok({ tokens: await listAgentTokens(d, principal.userId) }));
