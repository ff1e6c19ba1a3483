import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from '../../lib/zod.ts';
import type { Deps } from '../../lib/deps.ts';
import { BadRequestError } from '../../lib/errors.ts';
import { setLogLevel } from '../../lib/log.ts';
import { PROTOCOL_VERSIONS, answerPost, isJsonContentType } from '../../lib/mcp/protocol.ts';
import { INSTRUCTIONS, SERVER_INFO, mcpMethods, toCallResult, toolError } from '../../lib/mcp/server.ts';
import { defineTool, type ListedTool, type McpTool, type ToolContext } from '../../lib/mcp/tool-kit.ts';
import { TOOLS } from '../../lib/mcp/tools.ts';
import { INPUT_SCHEMAS } from '../../lib/mcp/generated/input-schemas.ts';
import { inputSchemaOf } from '../../scripts/mcp-schemas.ts';

/**
 * POST /mcp's protocol layer (lib/mcp/protocol.ts, lib/mcp/server.ts) against the server it
 * replaced: @modelcontextprotocol/sdk's McpServer on WebStandardStreamableHTTPServerTransport,
 * configured as lib/http/mcp-handler.ts configured it (stateless, JSON responses), serving the
 * same tools. Every message below goes to both; status, headers and body must be the same. The
 * tools are the registry's (listed, and called with arguments that fail validation, so none runs)
 * and three of this file's that run without a service. The SDK's client drives the endpoint end
 * to end in test/integration/mcp.test.ts and mcp-protocol.test.ts.
 */
const ctx = { d: {} as Deps, caller: { userId: 'u1', via: 'trusted-header', agentName: 'test' } } satisfies ToolContext;

const echo = defineTool({
  name: 'echo',
  title: 'Echo',
  description: 'Answers its arguments as structured content.',
  input: { text: z.string().check(z.minLength(1)), times: z._default(z.int().check(z.gte(1)), 1), tags: z.optional(z.array(z.enum(['a', 'b']))) },
  readOnly: true,
  run: async (_ctx, a) => ({ text: a.text.repeat(a.times), structured: { ...a } }),
});
const refuses = defineTool({ name: 'refuses', title: 'Refuses', description: 'Throws an AppError.', input: {}, readOnly: true, run: async () => Promise.reject(new BadRequestError('Not like that', { code: 'nope', field: 'x' })) });
const crashes = defineTool({ name: 'crashes', title: 'Crashes', description: 'Throws something unexpected.', input: {}, readOnly: false, run: async () => Promise.reject(new Error('secret=hunter2 at /var/task/x.js:1')) });
const tools: McpTool[] = [...TOOLS, echo, refuses, crashes];
// ours lists the registry's tools with the schemas npm run gen converted (so the SDK's own listing
// checks the committed file), and the three above with the same converter
const listed: ListedTool[] = tools.map((t) => ({ ...t, inputSchema: INPUT_SCHEMAS[t.name] ?? inputSchemaOf(t) }));

/** The server lib/mcp/server.ts replaced, as it was built (one per request, like the transport). */
async function sdk(headers: Record<string, string>, body: string) {
  const server = new McpServer(SERVER_INFO, { capabilities: { tools: {} }, instructions: INSTRUCTIONS });
  for (const tool of tools) {
    server.registerTool(tool.name, { title: tool.title, description: tool.description, inputSchema: tool.input, annotations: { readOnlyHint: tool.readOnly, openWorldHint: true } }, async (args: unknown) => {
      let r;
      try {
        r = await tool.run(ctx, args as never);
      } catch (e) {
        r = toolError(tool.name, e);
      }
      return toCallResult(r);
    });
  }
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  try {
    const res = await transport.handleRequest(new Request('https://api.example.com/mcp', { method: 'POST', headers, body }));
    return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body: await res.text() };
  } finally {
    await server.close();
  }
}

const ours = (headers: Record<string, string>, body: string) => answerPost(headers, body, mcpMethods(ctx, async () => listed));

const H = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };
const rpc = (method: string, params?: unknown, id: unknown = 1) => ({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });
const note = (method: string, params?: unknown) => ({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }) });
const init = (protocolVersion: string, extra: Record<string, unknown> = {}) => rpc('initialize', { protocolVersion, capabilities: {}, clientInfo: { name: 'c', version: '1' }, ...extra });
const call = (name: string, args?: unknown, id: unknown = 1) => rpc('tools/call', { name, ...(args === undefined ? {} : { arguments: args }) }, id);

type Case = [name: string, body: unknown, headers?: Record<string, string | undefined>];
const raw = (s: string) => ({ raw: s });

const CASES: Case[] = [
  // initialize and version negotiation
  ...SUPPORTED_PROTOCOL_VERSIONS.map((v): Case => [`initialize ${v}`, init(v)]),
  ['initialize with an unknown version', init('1999-01-01')],
  ['initialize with an unknown version and an unknown MCP-Protocol-Version header', init('2099-01-01'), { 'mcp-protocol-version': '2099-01-01' }],
  ['initialize with full client capabilities', init('2025-06-18', { capabilities: { roots: { listChanged: true }, sampling: {}, elicitation: {}, experimental: { x: {} }, tasks: { list: {}, requests: { sampling: { createMessage: {} } } } }, clientInfo: { name: 'c', title: 'C', version: '1', icons: [{ src: 'data:,', sizes: ['48x48'], theme: 'dark' }] } })],
  ['initialize with bad capabilities', init('2025-06-18', { capabilities: { sampling: 5, elicitation: true, roots: { listChanged: 'yes' } } })],
  ['initialize without clientInfo', rpc('initialize', { protocolVersion: '2025-06-18', capabilities: {} })],
  ['initialize without params', rpc('initialize')],
  ['initialize beside another request', [init('2025-06-18'), rpc('ping', undefined, 2)]],
  ['initialize as a notification', note('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } })],
  // notifications and responses: 202
  ['notifications/initialized', note('notifications/initialized')],
  ['an unknown notification', note('notifications/whatever', { a: 1 })],
  ['notifications/cancelled for nothing', note('notifications/cancelled', { requestId: 9, reason: 'x' })],
  ['a response from the client', { jsonrpc: '2.0', id: 5, result: {} }],
  ['an error response from the client', { jsonrpc: '2.0', id: 5, error: { code: -1, message: 'no' } }],
  ['only notifications in a batch', [note('notifications/initialized'), note('notifications/progress', { progressToken: 1, progress: 1 })]],
  ['an empty batch', []],
  // ping, unknown methods
  ['ping', rpc('ping')],
  ['ping with params', rpc('ping', { _meta: { progressToken: 'p' } })],
  ['ping asking for a task', rpc('ping', { task: { ttl: 1000 } })],
  ['ping with a string id', rpc('ping', undefined, 'a-1')],
  ['an unknown method', rpc('resources/list')],
  ['a method named like a prototype member', rpc('constructor')],
  ['logging/setLevel (no logging capability)', rpc('logging/setLevel', { level: 'info' })],
  // tools/list
  ['tools/list', rpc('tools/list')],
  ['tools/list with a cursor', rpc('tools/list', { cursor: 'x' })],
  ['tools/list with a bad cursor', rpc('tools/list', { cursor: 5 })],
  // tools/call
  ['a call that runs', call('echo', { text: 'hi', times: 2, extra: 'dropped' })],
  ['a call with its default', call('echo', { text: 'hi' })],
  ['a call with bad arguments', call('echo', { text: '', times: 0, tags: ['c'] })],
  ['a call without arguments', call('echo')],
  ['a call with arguments that are not an object', call('echo', [1])],
  ['a call with null arguments', call('echo', null)],
  ['a call of an unknown tool', call('no_such_tool', {})],
  ['a call without a name', rpc('tools/call', { arguments: {} })],
  ['a call without params', rpc('tools/call')],
  ['a call asking for a task', rpc('tools/call', { name: 'echo', arguments: { text: 'x' }, task: { ttl: 10 } })],
  ['a call with a bad task', rpc('tools/call', { name: 'echo', arguments: { text: 'x' }, task: { ttl: 'soon' } })],
  ['a tool that throws an AppError', call('refuses', {})],
  ['a tool that crashes', call('crashes', {})],
  ["the registry's tools with bad arguments", [call('cloud_tool', { command: '' }, 1), call('cloud_tool', { command: 'x', mode: 'root', confirmation_id: 'c' }, 2), call('kubectl', { cluster_id: 'k' }, 3), call('connection_status', { provider: 'nope' }, 4), call('list_alerts', { cursor: '' }, 5), call('cancel_confirmation', {}, 6), call('proxy_request', { connector: 'datadog', path: 'x', method: 'PUT', query: { a: {} } }, 7)]],
  // batches
  ['a batch of requests', [rpc('ping', undefined, 1), rpc('tools/list', undefined, 2), call('echo', { text: 'b' }, 3)]],
  ['a batch of one request', [rpc('ping')]],
  ['a batch with a notification and a response', [note('notifications/initialized'), rpc('ping', undefined, 7), { jsonrpc: '2.0', id: 99, result: {} }]],
  ['a batch with an unknown method', [rpc('ping', undefined, 1), rpc('nope', undefined, 2)]],
  ['a batch reusing an id', [call('echo', { text: 'first' }, 1), call('echo', { text: 'second' }, 1), rpc('ping', undefined, 2)]],
  ['a batch with an invalid message', [rpc('ping'), { jsonrpc: '2.0' }]],
  ['a batch of 100', Array.from({ length: 100 }, (_, i) => rpc('ping', undefined, i))],
  ['a batch of 101', Array.from({ length: 101 }, (_, i) => rpc('ping', undefined, i))],
  // malformed messages
  ['not JSON', raw('not json')],
  ['an empty body', raw('')],
  ['JSON with a byte order mark', raw(`\uFEFF${JSON.stringify(rpc('ping'))}`)],
  ['a lone surrogate in a string', raw('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"\uD800"}}}')],
  ['an empty object', {}],
  ['null', null],
  ['a string', 'ping'],
  ['jsonrpc 1.0', { jsonrpc: '1.0', id: 1, method: 'ping' }],
  ['a null id', rpc('ping', undefined, null)],
  ['a fractional id', rpc('ping', undefined, 1.5)],
  ['an id past 2^53', rpc('ping', undefined, 2 ** 53)],
  ['params that are an array', rpc('ping', [1])],
  ['an extra top-level key', { ...rpc('ping'), extra: true }],
  ['a bad progress token', rpc('ping', { _meta: { progressToken: 1.5 } })],
  // HTTP headers
  ['no Accept', rpc('ping'), { accept: undefined }],
  ['Accept: application/json only', rpc('ping'), { accept: 'application/json' }],
  ['Accept: text/event-stream only', rpc('ping'), { accept: 'text/event-stream' }],
  ['Accept: */*', rpc('ping'), { accept: '*/*' }],
  ['Accept with qualities', rpc('ping'), { accept: 'text/event-stream;q=0.9, application/json' }],
  ['no Content-Type', rpc('ping'), { 'content-type': undefined }],
  ['Content-Type: text/plain', rpc('ping'), { 'content-type': 'text/plain' }],
  ['Content-Type with a charset', rpc('ping'), { 'content-type': 'application/json; charset=utf-8' }],
  ['Content-Type in capitals', rpc('ping'), { 'content-type': 'Application/JSON' }],
  ['Content-Type with an empty parameter', rpc('ping'), { 'content-type': 'application/json;' }],
  ['Content-Type of two joined headers', rpc('ping'), { 'content-type': 'application/json; a=1, text/plain' }],
  ['Content-Type with a quoted comma', rpc('ping'), { 'content-type': 'application/json; a="1,2"' }],
  ['Content-Type application/json, text/plain', rpc('ping'), { 'content-type': 'application/json, text/plain' }],
  ['Content-Type application/jsonx', rpc('ping'), { 'content-type': 'application/jsonx' }],
  ['a supported MCP-Protocol-Version', rpc('ping'), { 'mcp-protocol-version': '2025-03-26' }],
  ['an unsupported MCP-Protocol-Version', rpc('ping'), { 'mcp-protocol-version': '2025-01-01' }],
  ['an unsupported MCP-Protocol-Version on a notification', note('notifications/initialized'), { 'mcp-protocol-version': 'x' }],
  ['a Content-Length over 4 MiB', rpc('ping'), { 'content-length': String(4 * 1024 * 1024 + 1) }],
  ['a body over 4 MiB', rpc('tools/list', { pad: 'x'.repeat(4 * 1024 * 1024) })],
];

function request([, body, headers = {}]: Case): [Record<string, string>, string] {
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...H, ...headers })) if (v !== undefined) h[k] = v;
  return [h, body && typeof body === 'object' && 'raw' in body ? (body as { raw: string }).raw : JSON.stringify(body)];
}

const parsed = (r: { status: number; headers: Record<string, string>; body: string }) => ({ status: r.status, headers: r.headers, body: r.body === '' ? '' : JSON.parse(r.body) });

beforeAll(() => setLogLevel('silent'));

describe('POST /mcp answers what the MCP SDK server answered', () => {
  it('lists the protocol versions the SDK supports, the latest first', () => {
    expect(PROTOCOL_VERSIONS).toEqual(SUPPORTED_PROTOCOL_VERSIONS);
    expect(PROTOCOL_VERSIONS[0]).toBe(LATEST_PROTOCOL_VERSION);
  });

  it.each(CASES)('%s', async (...c) => {
    const [headers, body] = request(c);
    const [theirs, mine] = await Promise.all([sdk(headers, body), ours(headers, body)]);
    expect(parsed(mine)).toEqual(parsed(theirs));
    // byte for byte, key order included
    expect(mine.body).toBe(theirs.body);
  });
});

describe('POST /mcp protocol edges', () => {
  const post = async (body: unknown, headers: Record<string, string | undefined> = {}) => parsed(await ours(...request(['', body, headers])));

  it('negotiates the version: the one asked for when supported, else the latest', async () => {
    expect((await post(init('2025-03-26'))).body.result.protocolVersion).toBe('2025-03-26');
    expect((await post(init('1999-01-01'))).body.result).toEqual({ protocolVersion: PROTOCOL_VERSIONS[0], capabilities: { tools: { listChanged: true } }, serverInfo: SERVER_INFO, instructions: INSTRUCTIONS });
  });

  it('answers JSON-RPC errors: -32601 for an unknown method, -32700 with HTTP 400 for malformed JSON, -32600 for an oversized batch', async () => {
    expect(await post(rpc('prompts/list', undefined, 'q'))).toEqual({ status: 200, headers: { 'content-type': 'application/json' }, body: { jsonrpc: '2.0', id: 'q', error: { code: -32601, message: 'Method not found' } } });
    expect(await post(raw('{"jsonrpc":'))).toEqual({ status: 400, headers: { 'content-type': 'application/json' }, body: { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: Invalid JSON' } } });
    expect((await post(Array.from({ length: 101 }, (_, i) => rpc('ping', undefined, i)))).body.error.code).toBe(-32600);
  });

  it('a notification, alone or with others, is 202 without a body', async () => {
    expect(await post(note('notifications/initialized'))).toEqual({ status: 202, headers: {}, body: '' });
    expect(await post([note('notifications/initialized'), note('notifications/cancelled', { requestId: 1 })])).toEqual({ status: 202, headers: {}, body: '' });
  });

  it('refuses a client that does not accept both JSON and an event stream (406), a body that is not JSON (415), an unknown MCP-Protocol-Version (400)', async () => {
    expect(await post(rpc('ping'), { accept: 'application/json' })).toMatchObject({ status: 406, body: { error: { code: -32000 } } });
    expect(await post(rpc('ping'), { 'content-type': 'text/plain' })).toMatchObject({ status: 415, body: { error: { code: -32000 } } });
    expect(await post(rpc('ping'), { 'mcp-protocol-version': '2024-01-01' })).toMatchObject({ status: 400, body: { error: { code: -32000, message: expect.stringContaining('Unsupported protocol version: 2024-01-01') } } });
  });

  it('a batch: one answer per request in their order, none for notifications; a single request answers a bare object', async () => {
    const r = await post([rpc('ping', undefined, 'a'), note('notifications/initialized'), rpc('nope', undefined, 2), call('echo', { text: 'x' }, 3)]);
    expect(r.status).toBe(200);
    expect(r.body.map((m: { id: unknown }) => m.id)).toEqual(['a', 2, 3]);
    expect(r.body[0]).toEqual({ jsonrpc: '2.0', id: 'a', result: {} });
    expect(r.body[1].error.code).toBe(-32601);
    expect(r.body[2].result.structuredContent).toEqual({ text: 'x', times: 1 });
    expect((await post([rpc('ping', undefined, 4)])).body).toEqual({ jsonrpc: '2.0', id: 4, result: {} });
    // a request cancelled in its own batch still gets its answer (the SDK's never came: the POST hung)
    expect((await post([rpc('ping', undefined, 5), note('notifications/cancelled', { requestId: 5 })])).body).toEqual({ jsonrpc: '2.0', id: 5, result: {} });
  });

  it('invalid arguments and unknown tools are tool results with isError; a crashing tool says nothing of its error', async () => {
    const bad = (await post(call('echo', { text: '' }))).body.result;
    expect(bad).toEqual({ content: [{ type: 'text', text: 'MCP error -32602: Input validation error: Invalid arguments for tool echo: Too small: expected string to have >=1 characters at text' }], isError: true });
    expect((await post(call('nope', {}))).body.result).toEqual({ content: [{ type: 'text', text: 'MCP error -32602: Tool nope not found' }], isError: true });
    const crash = JSON.stringify((await post(call('crashes', {}))).body);
    expect(crash).toContain('"isError":true');
    expect(crash).not.toMatch(/hunter2|x\.js/);
  });

  it('lists each tool with its JSON Schema, descriptions, enums, required fields and annotations', async () => {
    const list = (await post(rpc('tools/list'))).body.result.tools as Array<Record<string, any>>;
    const cloud = list.find((t) => t.name === 'cloud_tool')!;
    expect(cloud.inputSchema).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', required: ['command'], properties: { mode: { type: 'string', enum: ['ask', 'agent'], default: 'ask' } } });
    expect(cloud.annotations).toEqual({ readOnlyHint: false, openWorldHint: true });
    expect(list.find((t) => t.name === 'list_connections')!.inputSchema).toEqual({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: {} });
  });

  it('reads Content-Type as a media type', () => {
    expect(['application/json', 'application/json; charset=utf-8', ' APPLICATION/JSON ', 'application/json;', 'application/json; a="x,y"'].map(isJsonContentType)).toEqual([true, true, true, true, true]);
    expect([undefined, '', 'text/plain', 'application/json, text/plain', 'application/json; a=1, b', 'text/plain; a=application/json', 'application/jsonx'].map(isJsonContentType)).toEqual([false, false, false, false, false, false, false]);
  });
});
