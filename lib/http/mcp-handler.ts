import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { config } from '../config.ts';
import { deps } from '../deps.ts';
import { AppError, PayloadTooLargeError, UnauthorizedError, isAppError, toErrorBody } from '../errors.ts';
import { log, setLogLevel, withLogContext } from '../log.ts';
import { bearerToken } from '../kubectl/tokens.ts';
import { agentPrincipal } from '../mcp/agent-tokens.ts';
import { answerPost } from '../mcp/protocol.ts';
import { mcpMethods } from '../mcp/server.ts';
import type { McpCaller } from '../mcp/tool-kit.ts';
import { resolvePrincipal } from './auth.ts';
import type { RouteDef } from './route-types.ts';

const json = (status: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 => ({
  statusCode: status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/**
 * Who the MCP request acts for. An Authorization header must hold a live agent token (a wrong,
 * revoked or expired one is refused, never passed over for another identity); without one, the
 * X-User-ID of trusted-header mode (local runs). JWTs are the console's, not an agent's.
 */
async function mcpCaller(event: APIGatewayProxyEventV2): Promise<McpCaller> {
  const header = event.headers?.authorization;
  if (header !== undefined) {
    const token = bearerToken(header);
    const p = token ? await agentPrincipal(deps(), token) : null;
    if (!p) throw new UnauthorizedError('The agent token is invalid, revoked or expired; create one in the console (Agents)', { code: 'invalid_agent_token' });
    return { userId: p.userId, via: 'agent_token', agentName: p.tokenName };
  }
  if (config().core.authMode === 'trusted-header') {
    const p = resolvePrincipal(event, 'trusted-header');
    if (p) return { userId: p.userId, via: 'trusted-header', agentName: 'MCP client (X-User-ID)' };
  }
  throw new UnauthorizedError('Authentication required: send an agent token as Authorization: Bearer <token>', { code: 'unauthorized' });
}

/**
 * POST /mcp: MCP's Streamable HTTP transport (lib/mcp/protocol.ts), stateless (no session id, so
 * any Lambda instance can answer any request) and answering plain JSON, since API Gateway HTTP
 * APIs do not stream. Not httpHandler: the body is JSON-RPC, checked against each tool's schema
 * by lib/mcp/server.ts, and errors inside a call are tool results; this adapter keeps the rest of
 * httpHandler's contract (principal, size cap, the JSON error envelope, one request log line).
 */
export function mcpHandler(route: RouteDef) {
  return (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> =>
    withLogContext({ requestId: event.requestContext?.requestId ?? context?.awsRequestId, route: route.id }, async () => {
      const started = Date.now();
      let userId: string | undefined;
      let result: APIGatewayProxyStructuredResultV2;
      try {
        setLogLevel(config().core.logLevel);
        const caller = await mcpCaller(event);
        userId = caller.userId;
        const raw = event.body ?? '';
        const body = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
        const limit = config().core.maxBodyBytes;
        if (Buffer.byteLength(body, 'utf8') > limit) throw new PayloadTooLargeError(limit);
        const res = await answerPost(event.headers ?? {}, body, mcpMethods({ d: deps(), caller }));
        result = { statusCode: res.status, headers: res.headers, body: res.body };
      } catch (e) {
        const err = isAppError(e) ? e : new AppError(500, 'internal_error', 'Internal server error', { expose: false });
        if (!isAppError(e)) log.error('unhandled error', { route: route.id, error: e });
        result = json(err.status, toErrorBody(err), err.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
      }
      const fields = { route: route.id, method: 'POST', path: event.rawPath, status: result.statusCode, ms: Date.now() - started, userId };
      if ((result.statusCode ?? 500) >= 500) log.error('request', fields);
      else log.info('request', fields);
      return result;
    });
}
