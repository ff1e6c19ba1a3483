import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { clearTimeout, setTimeout } from 'node:timers';
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

/** What the steps of one request share: set first, read by the later steps and the request log. */
type Req = { event: APIGatewayProxyEventV2; context: Context; state?: State };

/** How long before the function's own timeout its handler is stopped (middy's default, kept). */
const TIMEOUT_EARLY_MS = 5;

/** Thrown when the handler is stopped before the function's own timeout; answered 504. */
class FunctionTimeout extends Error {
  override name = 'TimeoutError';
}

/**
 * Every HTTP function is this one sequence around one service call: request state and log
 * level → feature gate → principal → JSON body (64 KB cap), strict zod validation of body, query
 * and path → handler (stopped 5 ms before the function's own timeout) → response validation →
 * CORS → request log; any error on the way is mapped to the JSON error envelope (and logged)
 * instead. It was a @middy/core stack of six middlewares in this fixed order; written out, the
 * order is read off the code, and every HTTP function's cold start is 3.2 KB and 2.4 M
 * instructions lighter (docs/performance.md).
 */
export function httpHandler<R extends RouteDef>(route: R, impl: Impl<R>) {
  const run = async (req: Req): Promise<APIGatewayProxyStructuredResultV2> => {
    const { event } = req;
    try {
      const state = begin(req);
      if (route.featureFlag && !config().features[route.featureFlag]) throw new NotFoundError('Not found');
      resolveCaller(route, event, state);
      readInput(route, event, state);
      const result = await beforeDeadline(req.context, () =>
        impl(
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
        ),
      );
      const response = toApiResult(route, result);
      response.headers = { ...response.headers, ...corsHeaders(event) };
      logRequest(route, req, response.statusCode ?? 500);
      return response;
    } catch (err) {
      const response = errorResponse(route, event, err);
      logRequest(route, req, response.statusCode ?? 500);
      return response;
    }
  };
  return (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> =>
    withLogContext({ requestId: event.requestContext?.requestId ?? context?.awsRequestId, route: route.id }, () => run({ event, context: context ?? ({} as Context) }));
}

/**
 * The handler's result, or FunctionTimeout just before the function's own timeout
 * (context.getRemainingTimeInMillis), so a request that runs out of time still gets an answer.
 * Without a deadline (tests calling the handler directly) it simply awaits.
 */
async function beforeDeadline<T>(context: Context, work: () => Promise<T>): Promise<T> {
  const remaining = typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
  if (remaining === undefined) return work();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FunctionTimeout('The function ran out of time')), Math.max(0, remaining - TIMEOUT_EARLY_MS));
  });
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function begin(req: Req): State {
  const cfg = config();
  setLogLevel(cfg.core.logLevel);
  const requestId = req.event.requestContext?.requestId ?? req.context.awsRequestId ?? 'local';
  req.state = { principal: null, body: undefined, query: undefined, params: undefined, started: Date.now(), requestId };
  return req.state;
}

function logRequest(route: RouteDef, req: Req, status: number): void {
  const state = req.state;
  const fields = { requestId: state?.requestId, route: route.id, method: req.event.requestContext?.http?.method, path: req.event.rawPath, status, ms: state ? Date.now() - state.started : undefined, userId: state?.principal?.userId };
  if (status >= 500) log.error('request', fields);
  else log.info('request', fields);
}

function resolveCaller(route: RouteDef, event: APIGatewayProxyEventV2, state: State): void {
  // An agent token acts on POST /mcp only (lib/http/mcp-handler.ts): never as the person, so
  // never on a route where the person approves, connects or revokes, even beside an X-User-ID.
  if (route.auth === 'user' && carriesAgentToken(event.headers?.authorization)) {
    throw new ForbiddenError('Agent tokens work on the MCP endpoint (POST /mcp) only', { code: 'agent_token_not_accepted' });
  }
  const p = resolvePrincipal(event, config().core.authMode);
  state.principal = route.auth === 'user' ? requirePrincipal(p) : p;
  addLogContext({ userId: state.principal?.userId });
}

function readInput(route: RouteDef, event: APIGatewayProxyEventV2, state: State): void {
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

/** The JSON error envelope for anything thrown on the way; unexpected errors are logged with their detail, answered without it. */
function errorResponse(route: RouteDef, event: APIGatewayProxyEventV2, err: unknown): APIGatewayProxyStructuredResultV2 {
  const appErr = isAppError(err) ? err : null;
  if (!appErr) {
    log.error('unhandled error', { route: route.id, error: err });
  } else if (appErr.status >= 500) {
    log.error('request failed', { route: route.id, code: appErr.code, error: appErr });
  }
  const mapped =
    appErr ??
    (err instanceof FunctionTimeout
      ? new AppError(504, 'timeout', 'The request took too long and was stopped. Please try again.', { expose: true })
      : isDependencyOutage(err)
        ? new AppError(503, 'service_unavailable', 'A storage dependency failed', { expose: false, publicMessage: 'The service is temporarily unavailable. Please try again.', headers: { 'retry-after': '2' } })
        : new AppError(500, 'internal_error', 'Internal server error', { expose: false }));
  return {
    statusCode: mapped.status,
    headers: { 'content-type': 'application/json', ...corsHeaders(event), ...mapped.headers },
    body: JSON.stringify(toErrorBody(mapped)),
  };
}
