import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import type { WebSocketApiDef, WsRouteDef } from '../kubectl/ws-routes.ts';
import type { WsEvent, WsResult } from '../http/ws-handler.ts';
import { log } from '../log.ts';

type WsLambda = (event: WsEvent) => Promise<WsResult>;

/** API Gateway's WebSocket quotas: 128 KB per message (frames of 32 KB are joined before this). */
const MAX_MESSAGE_BYTES = 128 * 1024;

interface LocalConnection {
  id: string;
  api: WebSocketApiDef;
  ws: WebSocket;
  connectedAt: number;
  lastActiveAt: number;
  sourceIp: string;
  userAgent: string;
  domainName: string;
}

export interface LocalWebSocketApis {
  /** answers the management API (`/@connections/{id}`); false when the request is not for it */
  handleHttp(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** ids of the open sockets */
  connections(): string[];
  /** drop a socket without a close frame, as a network failure would (the client sees 1006) */
  kill(connectionId: string): boolean;
  close(): Promise<void>;
}

/**
 * The local stand-in for API Gateway WebSocket APIs, on the HTTP gateway's own port: it builds
 * the same $connect / message / $disconnect events for the same handler modules the Lambdas run
 * (route selection on `$request.body.<field>`, $default for the rest), and serves the management
 * API's wire protocol (POST / GET / DELETE /@connections/{id}, SigV4-signed requests only), so the
 * service's own client (lib/kubectl/management.ts) and the SDK's
 * @aws-sdk/client-apigatewaymanagementapi (test/integration/websocket-gateway.test.ts) both work
 * unchanged against it.
 */
export function attachWebSocketApis(server: Server, apis: WebSocketApiDef[], opts: { root: string }): LocalWebSocketApis {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const open = new Map<string, LocalConnection>();
  const pending = new Set<Promise<unknown>>();
  const handlers = new Map<string, Promise<WsLambda>>();
  const load = (route: WsRouteDef) => {
    let h = handlers.get(route.handler);
    if (!h) {
      h = import(pathToFileURL(resolve(opts.root, route.handler)).href).then((m: { handler: WsLambda }) => m.handler);
      handlers.set(route.handler, h);
    }
    return h;
  };
  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p);
    void p.finally(() => pending.delete(p)).catch(() => undefined);
    return p;
  };

  function context(c: Pick<LocalConnection, 'id' | 'connectedAt' | 'sourceIp' | 'userAgent' | 'domainName'>, routeKey: string, eventType: WsEvent['requestContext']['eventType']): WsEvent['requestContext'] {
    const now = new Date();
    return {
      routeKey,
      eventType,
      messageId: eventType === 'MESSAGE' ? randomBytes(12).toString('base64') : undefined,
      extendedRequestId: randomUUID(),
      requestTime: now.toUTCString(),
      messageDirection: 'IN',
      stage: '$default',
      connectedAt: c.connectedAt,
      requestTimeEpoch: now.getTime(),
      identity: { sourceIp: c.sourceIp, userAgent: c.userAgent },
      requestId: randomUUID(),
      domainName: c.domainName,
      connectionId: c.id,
      apiId: 'local',
    };
  }

  async function invoke(api: WebSocketApiDef, routeKey: string, event: WsEvent): Promise<WsResult | undefined> {
    const route = api.routes.find((r) => r.routeKey === routeKey);
    if (!route) return undefined;
    return (await load(route))(event);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    track(upgrade(req, socket, head)).catch((e: unknown) => {
      log.error('websocket upgrade failed', { error: e });
      refuse(socket, 500, JSON.stringify({ message: 'Internal server error' }));
    });
  });

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const api = apis.find((a) => url.pathname === a.localPath || url.pathname === `${a.localPath}/`);
    if (!api) return refuse(socket, 404, JSON.stringify({ message: 'Not Found' }));
    // API Gateway hands $connect the upgrade request's headers as the client spelled them
    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const [k, v] = [req.rawHeaders[i], req.rawHeaders[i + 1]];
      headers[k] = headers[k] === undefined ? v : `${headers[k]},${v}`;
      (multiValueHeaders[k] ??= []).push(v);
    }
    const query = Object.fromEntries(url.searchParams);
    const c = { id: randomBytes(11).toString('base64'), connectedAt: Date.now(), sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: req.headers['user-agent'] ?? '', domainName: req.headers.host ?? 'localhost' };
    const result = await invoke(api, '$connect', {
      headers,
      multiValueHeaders,
      ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
      requestContext: context(c, '$connect', 'CONNECT'),
      isBase64Encoded: false,
    });
    const status = result?.statusCode ?? 200;
    if (status < 200 || status >= 300) return refuse(socket, status, result?.body ?? '');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: LocalConnection = { ...c, api, ws, lastActiveAt: Date.now() };
      open.set(conn.id, conn);
      ws.on('message', (data, isBinary) => {
        conn.lastActiveAt = Date.now();
        track(message(conn, data as Buffer, isBinary)).catch((e: unknown) => log.error('websocket message failed', { error: e }));
      });
      ws.on('close', (code, reason) => {
        open.delete(conn.id);
        track(
          invoke(api, '$disconnect', {
            requestContext: { ...context(conn, '$disconnect', 'DISCONNECT'), disconnectStatusCode: code, disconnectReason: reason.toString('utf8') },
            isBase64Encoded: false,
          }),
        ).catch((e: unknown) => log.error('websocket $disconnect failed', { error: e }));
      });
      ws.on('error', (e) => log.warn('websocket error', { error: e }));
    });
  }

  async function message(conn: LocalConnection, data: Buffer, isBinary: boolean) {
    const body = isBinary ? data.toString('base64') : data.toString('utf8');
    let routeKey = '$default';
    const field = /^\$request\.body\.([A-Za-z0-9_]+)$/.exec(conn.api.routeSelectionExpression)?.[1];
    if (!isBinary && field) {
      try {
        const v = (JSON.parse(body) as Record<string, unknown>)?.[field];
        if (typeof v === 'string' && conn.api.routes.some((r) => r.routeKey === v && !v.startsWith('$'))) routeKey = v;
      } catch {
        /* not JSON: $default, as API Gateway does */
      }
    }
    const event: WsEvent = { requestContext: context(conn, routeKey, 'MESSAGE'), body, isBase64Encoded: isBinary };
    try {
      const result = await invoke(conn.api, routeKey, event);
      if (!result) gatewayReply(conn, event, 'Forbidden');
    } catch (e) {
      log.error('websocket route threw', { routeKey, error: e });
      gatewayReply(conn, event, 'Internal server error');
    }
  }

  // What API Gateway itself sends when no route matches or the integration fails.
  function gatewayReply(conn: LocalConnection, event: WsEvent, message: string) {
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify({ message, connectionId: conn.id, requestId: event.requestContext.requestId }));
  }

  async function handleHttp(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const m = /^\/@connections\/([^/]+)$/.exec(url.pathname);
    if (!m) return false;
    const reply = (status: number, body?: unknown, errorType?: string) => {
      res.writeHead(status, { 'content-type': 'application/json', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    if (!/^AWS4-HMAC-SHA256 Credential=/.test(req.headers.authorization ?? '')) {
      reply(403, { message: 'Missing Authentication Token' }, 'ForbiddenException');
      return true;
    }
    let id: string;
    try {
      id = decodeURIComponent(m[1]);
    } catch {
      reply(400, { message: 'Invalid connection id' }, 'BadRequestException');
      return true;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const conn = open.get(id);
    if (!conn || conn.ws.readyState !== conn.ws.OPEN) {
      reply(410, { message: `Connection ${id} is gone` }, 'GoneException');
      return true;
    }
    switch (req.method) {
      case 'POST': {
        const data = Buffer.concat(chunks);
        if (data.length > MAX_MESSAGE_BYTES) {
          reply(413, { message: 'Message too long' }, 'PayloadTooLargeException');
          return true;
        }
        conn.ws.send(data.toString('utf8'));
        reply(200);
        return true;
      }
      case 'GET':
        // the wire names are camelCase (the SDK maps them to ConnectedAt, Identity, ...)
        reply(200, { connectedAt: new Date(conn.connectedAt).toISOString(), identity: { sourceIp: conn.sourceIp, userAgent: conn.userAgent }, lastActiveAt: new Date(conn.lastActiveAt).toISOString() });
        return true;
      case 'DELETE':
        // DeleteConnection carries no close code; API Gateway closes normally
        conn.ws.close(1000);
        reply(204);
        return true;
      default:
        reply(405, { message: 'Method not allowed' }, 'BadRequestException');
        return true;
    }
  }

  return {
    handleHttp,
    connections: () => [...open.keys()],
    kill: (id) => {
      const c = open.get(id);
      if (!c) return false;
      c.ws.terminate();
      return true;
    },
    close: async () => {
      for (const c of open.values()) c.ws.close(1001, 'Going away');
      // let the $disconnect handlers run before the caller stops the table under them
      while (open.size || pending.size) {
        for (const c of open.values()) c.ws.terminate();
        await Promise.allSettled([...pending]);
        if (open.size) await new Promise((r) => setTimeout(r, 10));
      }
      wss.close();
    },
  };
}

function refuse(socket: Duplex, status: number, body: string) {
  if (!socket.writable) return socket.destroy();
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error' }[status] ?? 'Error';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}
