import { httpHandler, ok } from '../../lib/http/handler.ts';
import { createAgentTokenRoute } from '../../lib/mcp/routes.ts';
import { createAgentToken } from '../../lib/mcp/agent-tokens.ts';

export const handler = httpHandler(createAgentTokenRoute, async ({ principal, body }, d) => ok(await createAgentToken(d, principal.userId, body)));
