import type { APIGatewayEventWebsocketRequestContextV2, Context } from 'aws-lambda';
import type * as z from '../zod.ts';
import { config } from '../config.ts';
import { deps as getDeps, type Deps } from '../deps.ts';
import { AppError, isAppError, toErrorBody } from '../errors.ts';
import { log, setLogLevel, withLogContext } from '../log.ts';
import type { WsRouteDef } from '../kubectl/ws-routes.ts';
import { sendToAgent } from '../kubectl/management.ts';

/**
 * What API Gateway hands a WebSocket route's Lambda. $connect events also carry the upgrade
 * request's headers (with the client's own spelling: look them up case-insensitively);
 * $disconnect events the close code and reason.
 */
export interface WsEvent {
  requestContext: Partial<APIGatewayEventWebsocketRequestContextV2> & {
    routeKey: string;
    connectionId: string;
    eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
    requestId: string;
    disconnectStatusCode?: number;
    disconnectReason?: string;
    identity?: { sourceIp?: string; userAgent?: string };
  };
  headers?: Record<string, string | undefined>;
  multiValueHeaders?: Record<string, string[] | undefined>;
  queryStringParameters?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded: boolean;
}

export interface WsResult {
  statusCode: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface WsRequest<B> {
  connectionId: string;
  /** the validated message (routes with a schema), else undefined */
  message: B;
  event: WsEvent;
}

export function header(event: WsEvent, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === want) return v;
  return undefined;
}

type Impl<B> = (req: WsRequest<B>, d: Deps) => Promise<WsResult | void>;

/**
 * Every WebSocket function is this wrapper around one service call: request log context → message
 * parse and strict validation (message routes) → handler → status. An AppError on $connect answers
 * the upgrade with its status (401, 403, 429...), which refuses the connection; on a message route
 * it is logged and the route answers with the error envelope, which API Gateway does not forward to
 * the client (services reply through the management API when they have something to say).
 */
export function wsHandler<S extends z.ZodMiniType | undefined>(route: WsRouteDef, schema: S, impl: Impl<S extends z.ZodMiniType ? z.output<S> : undefined>) {
  return (event: WsEvent, context?: Context): Promise<WsResult> =>
    withLogContext({ requestId: event.requestContext?.requestId ?? context?.awsRequestId, route: route.id, connectionId: event.requestContext?.connectionId }, async () => {
      const started = Date.now();
      let result: WsResult;
      try {
        setLogLevel(config().core.logLevel);
        let message: unknown = undefined;
        if (schema) {
          const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
          let parsed: unknown;
          try {
            parsed = JSON.parse(raw);
          } catch {
            throw new AppError(400, 'malformed_message', 'The message is not JSON', { field: 'body' });
          }
          const r = schema.safeParse(parsed);
          if (!r.success) {
            const issue = r.error.issues[0];
            const field = issue.path.length ? issue.path.join('.') : 'body';
            throw new AppError(400, 'invalid_message', `${field}: ${issue.message}`, { field });
          }
          message = r.data;
        }
        result = (await impl({ connectionId: event.requestContext.connectionId, message: message as never, event }, getDeps())) ?? { statusCode: 200 };
      } catch (e) {
        const err = isAppError(e) ? e : new AppError(500, 'internal_error', 'Internal server error', { expose: false, cause: e });
        if (err.status >= 500) log.error('websocket route failed', { route: route.id, error: e });
        else log.info('websocket request refused', { route: route.id, status: err.status, code: err.code, message: err.message });
        result = { statusCode: err.status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(toErrorBody(err)) };
        if (event.requestContext?.eventType === 'MESSAGE' && err.status < 500) {
          // API Gateway does not forward a route's answer to the client: tell the agent ourselves
          await sendToAgent(getDeps(), event.requestContext.connectionId, { type: 'error', code: err.code, message: err.message }).catch(() => undefined);
        }
      }
      log.info('websocket request', { route: route.id, routeKey: event.requestContext?.routeKey, status: result.statusCode, ms: Date.now() - started });
      return result;
    });
}
