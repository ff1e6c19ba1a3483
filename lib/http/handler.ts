import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import middy, { type MiddlewareObj } from '@middy/core';
import * as z from '../zod.ts';
import { config } from '../config.ts';
import { deps as getDeps, type Deps } from '../deps.ts';
import { AppError, ForbiddenError, NotFoundError, PayloadTooLargeError, ValidationError, BadRequestError, isAppError, toErrorBody } from '../errors.ts';
import { log, setLogLevel, withLogContext, addLogContext } from '../log.ts';
import { checkClaimedUser, requirePrincipal, resolvePrincipal, type Principal } from './auth.ts';
import type { RouteDef } from './route-types.ts';
import { carriesAgentToken } from '../mcp/token-format.ts';

type Out<S> = S extends z.core.$ZodType ? z.output<S> : undefined;

export interface HttpRequest<R extends RouteDef> {
  principal: R['auth'] extends 'user' ? Principal : Principal | null;
  body: Out<R['request']['body']>;
  query: Out<R['request']['query']>;
  params: Out<R['request']['params']>;
  headers: Record<string, string | undefined>;
  /** the request's cookies, "name=value" each (payload v2) */
  cookies: string[];
  requestId: string;
  event: APIGatewayProxyEventV2;
}

export interface HttpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Set-Cookie values */
  cookies?: string[];
}

export const ok = (body: unknown, status = 200, cookies?: string[]): HttpResult => ({ status, body, ...(cookies?.length ? { cookies } : {}) });
export const redirect = (location: string, cookies?: string[]): HttpResult => ({ status: 302, headers: { location }, ...(cookies?.length ? { cookies } : {}) });

type Impl<R extends RouteDef> = (req: HttpRequest<R>, deps: Deps) => Promise<HttpResult>;

interface State {
  principal: Principal | null;
  body: unknown;
  query: unknown;
  params: unknown;
  started: number;
  requestId: string;
}

type Req = middy.Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context> & { internal: { state?: State } };

/**
 * Every HTTP function is this middy stack around one service call:
 * error mapper (registered first, so its onError runs last) → request log → principal →
 * JSON body (64 KB cap) → strict zod validation → handler → response validation → CORS.
 */
export function httpHandler<R extends RouteDef>(route: R, impl: Impl<R>) {
  const fn = async (event: APIGatewayProxyEventV2, context: Context & { internal?: unknown }) => {
    const state = (context as unknown as { state: State }).state;
    const result = await impl(
      {
        principal: state.principal as HttpRequest<R>['principal'],
        body: state.body as HttpRequest<R>['body'],
        query: state.query as HttpRequest<R>['query'],
        params: state.params as HttpRequest<R>['params'],
        headers: event.headers ?? {},
        cookies: event.cookies ?? [],
        requestId: state.requestId,
        event,
      },
      getDeps(),
    );
    return toApiResult(route, result);
  };
  const stack = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(errorMapper(route))
    .use(requestContext(route))
    .use(featureGate(route))
    .use(principalMiddleware(route))
    .use(inputMiddleware(route))
    .use(corsMiddleware())
    .handler(fn as never);
  return (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> =>
    withLogContext({ requestId: event.requestContext?.requestId ?? context?.awsRequestId, route: route.id }, () => stack(event, context));
}

function stateOf(request: Req): State {
  return (request.context as unknown as { state: State }).state;
}

function requestContext(route: RouteDef): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context> {
  return {
    before: (request) => {
      const cfg = config();
      setLogLevel(cfg.core.logLevel);
      const requestId = request.event.requestContext?.requestId ?? request.context.awsRequestId ?? 'local';
      (request.context as unknown as { state: State }).state = {
        principal: null,
        body: undefined,
        query: undefined,
        params: undefined,
        started: Date.now(),
        requestId,
      };
    },
    after: (request) => logRequest(route, request as Req),
  };
}

function logRequest(route: RouteDef, request: Req): void {
  const state = stateOf(request);
  const status = request.response?.statusCode ?? 500;
  const fields = { requestId: state?.requestId, route: route.id, method: request.event.requestContext?.http?.method, path: request.event.rawPath, status, ms: state ? Date.now() - state.started : undefined, userId: state?.principal?.userId };
  if (status >= 500) log.error('request', fields);
  else log.info('request', fields);
}

function featureGate(route: RouteDef): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context> {
  return {
    before: () => {
      if (route.featureFlag && !config().features[route.featureFlag]) throw new NotFoundError('Not found');
    },
  };
}

function principalMiddleware(route: RouteDef): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context> {
  return {
    before: (request) => {
      const state = stateOf(request as Req);
      // An agent token acts on POST /mcp only (lib/http/mcp-handler.ts): never as the person, so
      // never on a route where the person approves, connects or revokes, even beside an X-User-ID.
      if (route.auth === 'user' && carriesAgentToken(request.event.headers?.authorization)) {
        throw new ForbiddenError('Agent tokens work on the MCP endpoint (POST /mcp) only', { code: 'agent_token_not_accepted' });
      }
      const p = resolvePrincipal(request.event, config().core.authMode);
      state.principal = route.auth === 'user' ? requirePrincipal(p) : p;
      addLogContext({ userId: state.principal?.userId });
    },
  };
}

function inputMiddleware(route: RouteDef): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context> {
  return {
    before: (request) => {
      const state = stateOf(request as Req);
      const { event } = request;
      let body: unknown = undefined;
      if (route.request.body) {
        body = parseJsonBody(event, config().core.maxBodyBytes);
        body = checkClaimedUser(body, state.principal);
        state.body = validate(route.request.body, normalizeKeys(body ?? {}, route.request.body), 'body');
      }
      const query = { ...(event.queryStringParameters ?? {}) } as Record<string, string | undefined>;
      if ('userId' in query || 'user_id' in query) checkClaimedUser(query, state.principal);
      delete query.userId;
      delete query.user_id;
      state.query = route.request.query ? validate(route.request.query, query, 'query') : query;
      const params = event.pathParameters ?? {};
      state.params = route.request.params ? validate(route.request.params, params, 'path') : params;
    },
  };
}

function parseJsonBody(event: APIGatewayProxyEventV2, limit: number): unknown {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > limit) throw new PayloadTooLargeError(limit);
  if (text.trim() === '') return undefined;
  const ctype = event.headers?.['content-type'] ?? '';
  if (ctype && !/^application\/(.+\+)?json\b/i.test(ctype)) {
    throw new AppError(415, 'unsupported_media_type', 'Request body must be application/json');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError('Malformed JSON body', { code: 'malformed_json', field: 'body' });
  }
}

/** The reference frontend sends camelCase and snake_case spellings (roleArn / role_arn); accept both. */
function normalizeKeys(body: unknown, schema: z.core.$ZodType): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  if (!shape) return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    const snake = k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (snake !== k && snake in shape && !(k in shape)) {
      if (snake in (body as object) && JSON.stringify((body as Record<string, unknown>)[snake]) !== JSON.stringify(v)) {
        throw new ValidationError(`${k} and ${snake} disagree`, snake);
      }
      out[snake] = v;
    } else if (!(k in out)) {
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
  }
  return out;
}

export function validate<S extends z.core.$ZodType>(schema: S, input: unknown, where: 'body' | 'query' | 'path'): z.output<S> {
  const r = z.safeParse(schema, input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const keys = issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys : [];
  const path = [...issue.path.map(String), ...(keys.length ? [keys[0]] : [])];
  const field = path.length ? path.join('.') : where;
  const message =
    issue.code === 'unrecognized_keys'
      ? `Unknown field${keys.length > 1 ? 's' : ''} in ${where}: ${keys.join(', ')}`
      : issue.code === 'invalid_type' && issue.input === undefined
        ? `${field} is required`
        : `${field}: ${issue.message}`;
  throw new ValidationError(message, field);
}

function toApiResult(route: RouteDef, result: HttpResult): APIGatewayProxyStructuredResultV2 {
  if (config().core.validateResponses && result.status < 300) {
    const schema = route.responses[result.status];
    if (schema === undefined) throw new Error(`route ${route.id} answered ${result.status}, which its table entry does not declare`);
    if (schema) {
      const r = z.safeParse(schema, result.body);
      if (!r.success) throw new Error(`route ${route.id} response does not match its schema: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
  }
  const headers: Record<string, string> = { ...result.headers };
  if (result.body !== undefined) headers['content-type'] = 'application/json';
  return { statusCode: result.status, headers, ...(result.cookies?.length ? { cookies: result.cookies } : {}), body: result.body === undefined ? '' : JSON.stringify(result.body) };
}

/**
 * An AWS SDK call (DynamoDB, Secrets Manager...) that failed on the service side or was throttled
 * after the SDK's own retries: a 503 the caller may retry, not a 500 that says we are broken.
 */
function isDependencyOutage(err: unknown): boolean {
  const e = err as { $fault?: string; name?: string; $retryable?: unknown };
  return e?.$fault === 'server' || /Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded|ServiceUnavailable|InternalServerError/.test(e?.name ?? '');
}

/** middy stops the handler just before the function's own timeout (context.getRemainingTimeInMillis). */
function isFunctionTimeout(err: unknown): boolean {
  const e = err as { name?: string; cause?: { package?: string } };
  return e?.name === 'TimeoutError' && e.cause?.package === '@middy/core';
}

/** CORS headers for the configured frontend origin only (API Gateway answers preflights when deployed). */
function corsHeaders(event: APIGatewayProxyEventV2): Record<string, string> {
  const origin = event.headers?.origin;
  let allowed: string | undefined;
  try {
    allowed = config().core.corsOrigin;
  } catch {
    return {};
  }
  return origin && origin === allowed ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' } : {};
}

function corsMiddleware(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context> {
  return {
    after: (request) => {
      if (request.response) request.response.headers = { ...request.response.headers, ...corsHeaders(request.event) };
    },
  };
}

function errorMapper(route: RouteDef): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context> {
  return {
    onError: (request) => {
      const err = request.error;
      const appErr = isAppError(err) ? err : null;
      if (!appErr) {
        log.error('unhandled error', { route: route.id, error: err });
      } else if (appErr.status >= 500) {
        log.error('request failed', { route: route.id, code: appErr.code, error: appErr });
      }
      const mapped =
        appErr ??
        (isFunctionTimeout(err)
          ? new AppError(504, 'timeout', 'The request took too long and was stopped. Please try again.', { expose: true })
          : isDependencyOutage(err)
            ? new AppError(503, 'service_unavailable', 'A storage dependency failed', { expose: false, publicMessage: 'The service is temporarily unavailable. Please try again.', headers: { 'retry-after': '2' } })
            : new AppError(500, 'internal_error', 'Internal server error', { expose: false }));
      request.response = {
        statusCode: mapped.status,
        headers: { 'content-type': 'application/json', ...corsHeaders(request.event), ...mapped.headers },
        body: JSON.stringify(toErrorBody(mapped)),
      };
      logRequest(route, request as Req);
    },
  };
}
