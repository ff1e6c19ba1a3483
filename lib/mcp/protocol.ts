import * as z from '../zod.ts';
import { log } from '../log.ts';
import { initializeRequest, isRequest, jsonRpcMessage, taskParams, type JsonRpcMessage, type JsonRpcRequest } from './wire.ts';

/**
 * MCP's Streamable HTTP transport as POST /mcp serves it: stateless (no Mcp-Session-Id, so any
 * Lambda can answer any request) and answering JSON, never an SSE stream (API Gateway HTTP APIs
 * do not stream). It answers what @modelcontextprotocol/sdk 1.32's server answered with
 * `WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse:
 * true })` and McpServer (its server/webStandardStreamableHttp.js, shared/protocol.js), status
 * codes, error codes and messages included, since clients were built against it; the SDK's client
 * drives it in test/integration/mcp.test.ts, and test/unit/mcp-protocol.test.ts compares the two
 * servers message by message. GET and DELETE never reach it (functions/mcp/method-not-allowed.ts).
 */

/**
 * The protocol versions the SDK supported (LATEST_PROTOCOL_VERSION first, then
 * SUPPORTED_PROTOCOL_VERSIONS of its dist/esm/types.js, 1.32.2). `initialize` answers the version
 * the client asked for when it is here, else the first; a later request naming another one in
 * MCP-Protocol-Version is refused. Copied as data: a new version is a change reviewed as one.
 */
export const PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07'] as const;

/** the SDK transport's bounds: body bytes (it read the body itself) and messages in one batch */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_BATCH = 100;

export const ERRORS = { parse: -32700, invalidRequest: -32600, methodNotFound: -32601, invalidParams: -32602, internal: -32603, transport: -32000 } as const;

/** A JSON-RPC error a method answers: `code` and `message` go to the client as they are. */
class RpcError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * One method the server answers: `request` checks the whole request (method and params; a
 * mismatch answers -32603 with zod's issues, as the SDK did) and `run` gets what it parsed.
 */
export interface McpMethod<S extends z.ZodMiniType = z.ZodMiniType> {
  request: S;
  run(request: z.output<S>): Promise<unknown>;
}
export const method = <S extends z.ZodMiniType>(request: S, run: (request: z.output<S>) => Promise<unknown>): McpMethod => ({ request, run }) as McpMethod;

export interface McpHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const reply = (status: number, body: unknown): McpHttpResponse => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
/** a refusal of the whole HTTP request: a JSON-RPC error without an id */
const refuse = (status: number, code: number, message: string) => reply(status, { jsonrpc: '2.0', error: { code, message }, id: null });

/**
 * Content-Type is application/json, parameters aside: the media type before any `;`, compared
 * without case. Parameters that do not parse as RFC 9110's `; token=token|quoted-string` are
 * tolerated unless they hold a comma, which means two joined headers (the SDK's
 * shared/mediaType.js, on the `content-type` package).
 */
const PARAMS = /^(?: *; *[!#$%&'*+.^_`|~0-9A-Za-z-]+ *= *(?:"(?:[\u000b\u0020\u0021\u0023-\u005b\u005d-\u007e\u0080-\u00ff]|\\[\u000b\u0020-\u00ff])*"|[!#$%&'*+.^_`|~0-9A-Za-z-]+) *)*$/;
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const semi = header.indexOf(';');
  if (semi === -1) return header.trim().toLowerCase() === 'application/json';
  if (header.slice(0, semi).trim().toLowerCase() !== 'application/json') return false;
  const params = header.slice(semi);
  return PARAMS.test(params) || !params.includes(',');
}

/** Header names without case and values without surrounding whitespace, as a Web Request holds them. */
function headersOf(raw: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out[k.toLowerCase()] = v.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
  return out;
}

// an initialize whose params fit, request or not (the SDK's isInitializeRequest)
const isInitialize = (m: JsonRpcMessage) => 'method' in m && m.method === 'initialize' && z.safeParse(initializeRequest, m).success;

/**
 * Answer one POST: the transport's checks in the SDK's order (Accept 406, Content-Type 415, size
 * 413, JSON 400/-32700, batch size 400/-32600, each message's shape 400/-32700, initialize alone
 * in its batch 400/-32600, MCP-Protocol-Version 400), then 202 without a body when nothing needs
 * an answer, else every request's answer: one object for one request, an array otherwise, in the
 * order of the requests.
 */
export async function answerPost(rawHeaders: Record<string, string | undefined>, body: string, methods: Record<string, McpMethod>): Promise<McpHttpResponse> {
  const headers = headersOf(rawHeaders);
  const accept = headers.accept;
  if (!accept?.includes('application/json') || !accept.includes('text/event-stream')) return refuse(406, ERRORS.transport, 'Not Acceptable: Client must accept both application/json and text/event-stream');
  if (!isJsonContentType(headers['content-type'])) return refuse(415, ERRORS.transport, 'Unsupported Media Type: Content-Type must be application/json');
  if (Number(headers['content-length']) > MAX_BODY_BYTES || Buffer.byteLength(body, 'utf8') > MAX_BODY_BYTES) return refuse(413, ERRORS.transport, `Payload Too Large: Request body must not exceed ${MAX_BODY_BYTES} bytes`);
  let raw: unknown;
  try {
    // read as UTF-8 bytes are: a byte order mark dropped, a lone surrogate replaced
    raw = JSON.parse(body.toWellFormed().replace(/^\uFEFF/, ''));
  } catch {
    return refuse(400, ERRORS.parse, 'Parse error: Invalid JSON');
  }
  if (Array.isArray(raw) && raw.length > MAX_BATCH) return refuse(400, ERRORS.invalidRequest, `Invalid Request: Batch must not exceed ${MAX_BATCH} messages`);
  const messages: JsonRpcMessage[] = [];
  for (const m of Array.isArray(raw) ? raw : [raw]) {
    const parsed = z.safeParse(jsonRpcMessage, m);
    if (!parsed.success) return refuse(400, ERRORS.parse, 'Parse error: Invalid JSON-RPC message');
    messages.push(parsed.data);
  }
  if (messages.some(isInitialize)) {
    if (messages.length > 1) return refuse(400, ERRORS.invalidRequest, 'Invalid Request: Only one initialization request is allowed');
  } else {
    const version = headers['mcp-protocol-version'];
    if (version !== undefined && !(PROTOCOL_VERSIONS as readonly string[]).includes(version)) {
      return refuse(400, ERRORS.transport, `Bad Request: Unsupported protocol version: ${version} (supported versions: ${PROTOCOL_VERSIONS.join(', ')})`);
    }
  }
  // notifications (notifications/initialized, cancelled, progress) and responses change nothing
  // here: there is no session to note them in and nothing runs after the answer
  const requests = messages.filter(isRequest);
  if (!requests.length) return { status: 202, headers: {}, body: '' };
  const answers = await Promise.all(requests.map((r) => dispatch(r, methods)));
  // one answer per id, the first request's, as the SDK matched answers to ids
  const byId = new Map<string | number, unknown>();
  requests.forEach((r, i) => byId.has(r.id) || byId.set(r.id, answers[i]));
  const out = [...byId.values()];
  return reply(200, out.length === 1 ? out[0] : out);
}

/**
 * One request's answer. An unknown method is -32601. A request asking for a task is refused
 * (this server creates none), and params that do not fit the method are -32603 with zod's issues
 * as the message: both what the SDK answered. A method's RpcError goes out as it is; anything
 * else is a bug, logged and answered without its message.
 */
async function dispatch(req: JsonRpcRequest, methods: Record<string, McpMethod>): Promise<object> {
  const m = Object.hasOwn(methods, req.method) ? methods[req.method] : undefined;
  if (!m) return { jsonrpc: '2.0', id: req.id, error: { code: ERRORS.methodNotFound, message: 'Method not found' } };
  try {
    const task = z.safeParse(taskParams, req.params);
    if (task.success && task.data.task) throw new RpcError(ERRORS.internal, `Server does not support task creation (required for ${req.method})`);
    const parsed = z.safeParse(m.request, req);
    if (!parsed.success) throw new RpcError(ERRORS.internal, JSON.stringify(parsed.error.issues, null, 2));
    return { result: await m.run(parsed.data), jsonrpc: '2.0', id: req.id };
  } catch (e) {
    if (!(e instanceof RpcError)) log.error('mcp method failed', { method: req.method, error: e });
    const error = e instanceof RpcError ? { code: e.code, message: e.message } : { code: ERRORS.internal, message: 'Internal error' };
    return { jsonrpc: '2.0', id: req.id, error };
  }
}
