import { mcpHandler } from '../../lib/http/mcp-handler.ts';
import { mcpRoute } from '../../lib/mcp/routes.ts';

export const handler = mcpHandler(mcpRoute);
