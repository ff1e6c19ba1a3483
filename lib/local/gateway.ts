import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { RouteDef } from '../http/route-types.ts';
import { log } from '../log.ts';
import { AppError, NotFoundError, PayloadTooLargeError, ValidationError, toErrorBody } from '../errors.ts';
import { routeTimeoutSeconds } from '../stacks/plan/functions.ts';
import type { WebSocketApiDef } from '../kubectl/ws-routes.ts';
import type { LocalWebSocketApis } from './websocket-gateway.ts';

type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

interface CompiledRoute {
  route: RouteDef;
  template: string;
  regex: RegExp;
  params: string[];
  literalSegments: number;
}

/** API Gateway itself caps payloads at 10 MB; the functions enforce their own smaller limit. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;

export function compileRoutes(routes: RouteDef[]): CompiledRoute[] {
  const compiled = routes.flatMap((route) =>
    route.paths.map((template) => {
      const params: string[] = [];
      const pattern = template
        .split('/')
        .map((seg) => {
          const m = /^\{(\w+)(\+?)\}$/.exec(seg);
          if (m) {
            params.push(m[1]);
            // a greedy {name+} (last segment only, as API Gateway has it) takes the rest of the path
            return m[2] ? '(.+)' : '([^/]+)';
          }
          return seg.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        })
        .join('/');
      return { route, template, regex: new RegExp(`^${pattern}/?$`), params, literalSegments: template.split('/').filter((s) => s && !s.startsWith('{')).length };
    }),
  );
  // API Gateway prefers the most specific route: literal segments beat parameters.
  return compiled.sort((a, b) => b.literalSegments - a.literalSegments || a.params.length - b.params.length);
}

export function matchRoute(compiled: CompiledRoute[], method: string, path: string): { match?: { c: CompiledRoute; params: Record<string, string> }; pathExists: boolean } {
  let pathExists = false;
  for (const c of compiled) {
    const m = c.regex.exec(path);
    if (!m) continue;
    pathExists = true;
    if (c.route.method !== method) continue;
    const params: Record<string, string> = {};
    c.params.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1]);
    });
    return { match: { c, params }, pathExists };
  }
  return { pathExists };
}

export interface GatewayOptions {
  routes: RouteDef[];
  port?: number;
  host?: string;
  root?: string;
  /** the one CORS origin; a function when it is only known once the gateway listens */
  corsOrigin?: string | (() => string);
  /** extra fixed routes (e.g. GET /openapi.json) answered by the gateway itself */
  extra?: Record<string, (req: IncomingMessage) => Promise<{ status: number; body: unknown; headers?: Record<string, string> }>>;
  /** asked when no route matches (the console's static files); null lets the JSON 404 answer */
  fallback?: (method: string, url: URL) => Promise<{ status: number; headers: Record<string, string>; body: string | Buffer } | null>;
  /** WebSocket APIs served on the same port, with their management API (lib/local/websocket-gateway.ts) */
  webSockets?: WebSocketApiDef[];
}

export interface Gateway {
  url: string;
  port: number;
  server: Server;
  webSockets?: LocalWebSocketApis;
  close(): Promise<void>;
}

/**
 * The local stand-in for API Gateway HTTP API: builds real payload-v2 events from HTTP requests
 * and calls the same handler modules the Lambdas run.
 */
export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const compiled = compileRoutes(opts.routes);
  const root = opts.root ?? process.cwd();
  const handlers = new Map<string, Promise<LambdaHandler>>();
  const load = (route: RouteDef) => {
    let h = handlers.get(route.handler);
    if (!h) {
      h = import(pathToFileURL(resolve(root, route.handler)).href).then((m: { handler: LambdaHandler }) => m.handler);
      handlers.set(route.handler, h);
    }
    return h;
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      log.error('gateway failure', { error: e });
      if (!res.headersSent) send(res, 500, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Internal Server Error' }));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    // URL parsing resolves "." and ".." (%2e too), which would send /api/proxy/x/../../y to another
    // route without a word: a raw path with dot segments is refused instead
    if (/(^|\/)(\.|%2e){1,2}(\/|$)/i.test(rawPathOf(req, url))) {
      log.info('request', { method, path: url.pathname, status: 400 });
      return send(res, 400, { 'content-type': 'application/json' }, JSON.stringify(toErrorBody(new ValidationError('path: dot segments (. or ..) are not allowed', 'path'))));
    }
    const origin = req.headers.origin;
    if (method === 'OPTIONS') {
      const corsOrigin = typeof opts.corsOrigin === 'function' ? opts.corsOrigin() : opts.corsOrigin;
      const allowed = origin && origin === corsOrigin;
      return send(res, 204, allowed ? { 'access-control-allow-origin': origin, 'access-control-allow-methods': 'GET,POST,PUT,DELETE,OPTIONS', 'access-control-allow-headers': 'content-type,authorization,x-user-id', 'access-control-allow-credentials': 'true', 'access-control-max-age': '600' } : {}, '');
    }
    if (webSockets && (await webSockets.handleHttp(req, res, url))) return;
    const extra = opts.extra?.[`${method} ${url.pathname}`];
    if (extra) {
      const r = await extra(req);
      return send(res, r.status, { 'content-type': 'application/json', ...r.headers }, JSON.stringify(r.body));
    }
    let found: ReturnType<typeof matchRoute>;
    try {
      found = matchRoute(compiled, method, url.pathname);
    } catch (e) {
      // "%E0%A4%A" and the like: the path cannot be decoded, so no parameter can be read from it
      if (!(e instanceof URIError)) throw e;
      log.info('request', { method, path: url.pathname, status: 400 });
      return send(res, 400, { 'content-type': 'application/json' }, JSON.stringify(toErrorBody(new ValidationError('path: malformed percent-encoding', 'path'))));
    }
    const { match } = found;
    if (!match && opts.fallback) {
      const r = await opts.fallback(method, url);
      if (r) return send(res, r.status, r.headers, method === 'HEAD' ? '' : r.body);
    }
    if (!match) {
      log.info('request', { method, path: url.pathname, status: 404 });
      return send(res, 404, { 'content-type': 'application/json' }, JSON.stringify(toErrorBody(new NotFoundError('Not Found'))));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > GATEWAY_MAX_BODY) {
        return send(res, 413, { 'content-type': 'application/json', connection: 'close' }, JSON.stringify(toErrorBody(new PayloadTooLargeError(GATEWAY_MAX_BODY))));
      }
      chunks.push(chunk as Buffer);
    }
    const raw = Buffer.concat(chunks);
    const event = buildEvent(req, url, method, match.c, match.params, raw);
    const handler = await load(match.c.route);
    const context = lambdaContext(match.c.route, event.requestContext.requestId);
    const result = await handler(event, context);
    const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
    if (result.cookies?.length) headers['set-cookie'] = result.cookies;
    const body = result.body === undefined ? '' : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
    send(res, result.statusCode ?? 200, headers, body);
  }

  // Requests Node refuses before routing (oversized URL or headers → 431, garbage → 400) still get
  // the JSON error envelope, as API Gateway answers them with a JSON body too.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const message = status === 431 ? 'Request URL or headers too large' : 'Malformed HTTP request';
    const body = JSON.stringify(toErrorBody(new AppError(status, status === 431 ? 'request_header_too_large' : 'bad_request', message)));
    socket.end(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });

  const webSockets = opts.webSockets?.length ? (await import('./websocket-gateway.ts')).attachWebSocketApis(server, opts.webSockets, { root }) : undefined;

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    webSockets,
    close: async () => {
      await webSockets?.close();
      return new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      });
    },
  };
}

function send(res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: string | Buffer) {
  res.writeHead(status, headers);
  res.end(body);
}

const TEXTUAL = /^(application\/(.+\+)?json|application\/x-www-form-urlencoded|text\/)/i;

/** The request path as sent (API Gateway's rawPath): still percent-encoded, dot segments unresolved. */
function rawPathOf(req: IncomingMessage, url: URL): string {
  const target = req.url ?? '/';
  return target.startsWith('/') ? target.split('?')[0] : url.pathname;
}

export function buildEvent(req: IncomingMessage, url: URL, method: string, c: CompiledRoute, params: Record<string, string>, raw: Buffer): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    if (k === 'cookie') cookies.push(...String(v).split(/;\s*/));
    else headers[k] = Array.isArray(v) ? v.join(',') : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const textual = raw.length === 0 || TEXTUAL.test(headers['content-type'] ?? 'application/json');
  const now = new Date();
  const requestId = randomUUID();
  return {
    version: '2.0',
    routeKey: `${method} ${c.template}`,
    rawPath: rawPathOf(req, url),
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(params).length ? { pathParameters: params } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: { method, path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId,
      routeKey: `${method} ${c.template}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(raw.length ? { body: textual ? raw.toString('utf8') : raw.toString('base64') } : {}),
    isBase64Encoded: !textual,
  };
}

/** The same time limit the route's function has deployed (lib/stacks/plan/functions.ts). */
function lambdaContext(route: RouteDef, requestId: string): Context {
  const deadline = Date.now() + routeTimeoutSeconds(route) * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: route.id,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${route.id}`,
    memoryLimitInMB: String(route.memoryMb ?? 256),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${route.id}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
