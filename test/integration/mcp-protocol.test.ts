import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

/**
 * The protocol edges of POST /mcp over real HTTP, through the local gateway and the endpoint's
 * Lambda handler (lib/http/mcp-handler.ts): what a client sees of the transport and JSON-RPC
 * layer (lib/mcp/protocol.ts). test/unit/mcp-protocol.test.ts compares every answer with the MCP
 * SDK server's; test/integration/mcp.test.ts runs the tools with the SDK's client.
 */
let rt: TestRuntime;
let auth: Record<string, string>;
const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

beforeAll(async () => {
  rt = await startTestRuntime();
  const r = await rt.request('POST', '/api/agent-tokens', { user: 'proto-ann', body: { name: 'protocol' } });
  expect(r.status, r.text).toBe(200);
  auth = { authorization: `Bearer ${r.body.token}` };
}, 120000);
afterAll(async () => rt.close());

async function post(body: unknown, headers: Record<string, string> = {}) {
  const r = await rt.fetch(`${rt.url}/mcp`, { method: 'POST', headers: { ...HEADERS, ...auth, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, type: r.headers.get('content-type'), sessionId: r.headers.get('mcp-session-id'), text, body: text ? JSON.parse(text) : undefined };
}

const initialize = (protocolVersion: string) => ({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });

describe('POST /mcp, the protocol', () => {
  it('negotiates the protocol version: the one asked for when supported, else the latest; no session id either way', async () => {
    const old = await post(initialize('2025-03-26'));
    expect(old.status).toBe(200);
    expect(old.body.result).toMatchObject({ protocolVersion: '2025-03-26', serverInfo: { name: 'aurora-connectors' }, capabilities: { tools: {} } });
    expect(old.sessionId).toBeNull();
    const unknown = await post(initialize('1999-01-01'));
    expect(unknown.body.result.protocolVersion).toBe(LATEST_PROTOCOL_VERSION);
    // the SDK's client checks the version it gets and sends it back on every request
    const client = new Client({ name: 'proto-agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${rt.url}/mcp`), { requestInit: { headers: auth }, fetch: rt.fetch }));
    expect(await client.ping()).toEqual({});
    await client.close();
    const refused = await post({ jsonrpc: '2.0', id: 2, method: 'ping' }, { 'mcp-protocol-version': '2023-01-01' });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: -32000, message: expect.stringContaining('Unsupported protocol version: 2023-01-01') });
  });

  it('answers an unknown method with -32601 and malformed JSON with -32700 and HTTP 400', async () => {
    expect(await post({ jsonrpc: '2.0', id: 'x', method: 'resources/list' })).toMatchObject({ status: 200, type: 'application/json', body: { jsonrpc: '2.0', id: 'x', error: { code: -32601, message: 'Method not found' } } });
    expect(await post('{"jsonrpc": "2.0", "id": 1,')).toMatchObject({ status: 400, body: { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: Invalid JSON' } } });
    expect(await post({ id: 1, method: 'ping' })).toMatchObject({ status: 400, body: { error: { code: -32700, message: 'Parse error: Invalid JSON-RPC message' } } });
  });

  it('takes a notification with 202 and no body', async () => {
    const r = await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(r).toMatchObject({ status: 202, text: '' });
  });

  it('refuses a client that does not accept JSON and an event stream (406) and a body that is not JSON (415)', async () => {
    const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
    for (const accept of ['application/json', 'text/event-stream', '*/*']) {
      const r = await post(ping, { accept });
      expect(r.status, accept).toBe(406);
      expect(r.body.error).toEqual({ code: -32000, message: 'Not Acceptable: Client must accept both application/json and text/event-stream' });
    }
    expect((await post(ping, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(ping, { 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
  });

  it('refuses GET (and DELETE) with 405 as before: no event stream, no session', async () => {
    for (const method of ['GET', 'DELETE']) {
      const r = await rt.fetch(`${rt.url}/mcp`, { method, headers: { accept: 'text/event-stream', ...auth } });
      expect(r.status).toBe(405);
      expect(r.headers.get('allow')).toBe('POST');
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
    }
  });

  it('answers a batch as the SDK did: the requests in order, notifications unanswered, one request alone unwrapped, initialize never batched', async () => {
    const batch = await post([
      { jsonrpc: '2.0', id: 1, method: 'ping' },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'list_connections', arguments: {} } },
      { jsonrpc: '2.0', id: 3, method: 'nope' },
    ]);
    expect(batch.status).toBe(200);
    expect(batch.body.map((m: { id: number }) => m.id)).toEqual([1, 2, 3]);
    expect(batch.body[0].result).toEqual({});
    expect(batch.body[1].result.structuredContent).toEqual({ connections: [] });
    expect(batch.body[2].error.code).toBe(-32601);
    expect((await post([{ jsonrpc: '2.0', id: 9, method: 'ping' }])).body).toEqual({ jsonrpc: '2.0', id: 9, result: {} });
    expect(await post([initialize('2025-06-18'), { jsonrpc: '2.0', id: 2, method: 'ping' }])).toMatchObject({ status: 400, body: { error: { code: -32600 } } });
  });

  it('answers a tool called with bad arguments with a tool error naming them', async () => {
    const r = await post({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'connection_status', arguments: { provider: 'nope' } } });
    expect(r.body.result.isError).toBe(true);
    expect(r.body.result.content[0].text).toMatch(/^MCP error -32602: Input validation error: Invalid arguments for tool connection_status: Invalid option: expected one of .* at provider$/);
  });
});
