import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError, toErrorBody } from '../../lib/errors.ts';

/**
 * GET and DELETE /mcp: the stateless endpoint (functions/mcp/endpoint.ts) opens no event stream
 * and keeps no session to end, so both answer 405, which MCP clients read as "POST only". Its own
 * small function: it touches nothing and carries none of the MCP code.
 */
export const handler = async (): Promise<APIGatewayProxyStructuredResultV2> => ({
  statusCode: 405,
  headers: { 'content-type': 'application/json', allow: 'POST' },
  body: JSON.stringify(toErrorBody(new AppError(405, 'method_not_allowed', 'The MCP endpoint is stateless: send JSON-RPC with POST /mcp'))),
});
