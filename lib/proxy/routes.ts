import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { defineRoute } from '../http/define-route.ts';
import { PayloadTooLargeError } from '../errors.ts';
import type { ProxyInput, ProxyMode } from './types.ts';
import * as s from './schemas.ts';

/**
 * The credential proxy's two routes (lib/proxy/service.ts). What the tool API gets is the caller's
 * path, query and (POST) body; what selects and limits the call travels in headers of ours, so no
 * query parameter of the tool's is taken: `X-Aurora-Mode: ask|agent` (ask by default) and
 * `X-Aurora-Account-Id` (which connection; the most recent one otherwise).
 */
const route = <const M extends 'GET' | 'POST'>(method: M, id: string, handler: string, summary: string) =>
  /* @__PURE__ */ defineRoute({
    id,
    method,
    paths: ['/api/proxy/{connector}/{path+}'],
    handler,
    auth: 'user',
    summary,
    request: { params: s.proxyParams },
    responses: { 200: s.proxyResponse },
    errors: [400, 403, 404, 413, 503],
    capabilities: ['table', 'secrets'],
    timeoutSeconds: 30,
  });

export const proxyGetRoute = route('GET', 'proxy.get', 'functions/proxy/get.ts', "Read from a connected tool's API with the stored credential (Ask mode: reads only); the answer is the tool's status, headers without credentials and body (capped)");
export const proxyPostRoute = route('POST', 'proxy.post', 'functions/proxy/post.ts', "POST to a connected tool's API with the stored credential: in Ask mode only the connector's read-only POSTs (searches, queries), anything else in Agent mode");

export const proxyRoutes = [proxyGetRoute, proxyPostRoute];

/**
 * The proxy input of one request. The path comes from the raw request path, still percent-encoded
 * (the path parameter is decoded, and an encoded slash must not turn into a real one).
 */
export function proxyInputOf(event: APIGatewayProxyEventV2, connector: string, maxBodyBytes: number): ProxyInput {
  const prefix = `/api/proxy/${encodeURIComponent(connector)}`;
  const raw = event.rawPath.startsWith(prefix) ? event.rawPath.slice(prefix.length) : `/${event.pathParameters?.path ?? ''}`;
  const h = event.headers ?? {};
  const text = event.body === undefined ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (text !== undefined && Buffer.byteLength(text, 'utf8') > maxBodyBytes) throw new PayloadTooLargeError(maxBodyBytes);
  return {
    connector,
    method: event.requestContext.http.method === 'POST' ? 'POST' : 'GET',
    path: raw,
    query: event.rawQueryString || undefined,
    body: text,
    contentType: h['content-type'],
    mode: (h['x-aurora-mode']?.trim().toLowerCase() || undefined) as ProxyMode | undefined,
    accountId: h['x-aurora-account-id']?.trim() || undefined,
  };
}
