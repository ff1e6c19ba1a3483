import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleOptions } from '../../lib/build/bundle.ts';

/**
 * The MCP function bundled as deployed (lib/build/bundle.ts) loads and answers. Unbundled, as the
 * other tests run it, every module is there; bundled, the tool registry and each tool's service
 * are chunks of their own loaded by import() (lib/mcp/server.ts, lib/mcp/tools.ts), and a chunk
 * that does not load, or a module initialised out of order, fails only here.
 */
const dir = mkdtempSync(join(tmpdir(), 'aurora-mcp-bundle-'));
// built into a directory: bundleOptions splits lazy imports into chunks beside the entry
const out = join(dir, 'endpoint.mjs');

beforeAll(async () => {
  // only web-streams-polyfill stays outside the bundle (lib/build/bundle.ts): resolve it from ours
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
  await build({ ...bundleOptions, entryPoints: [resolve('functions/mcp/endpoint.ts')], outdir: dir, outExtension: { '.js': '.mjs' }, logLevel: 'silent' });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function invoke(env: Record<string, string>, event: unknown): { statusCode: number; body: string } {
  const script = join(dir, `call-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(script, `const { handler } = await import(${JSON.stringify(`file://${out}`)}); process.stdout.write(JSON.stringify(await handler(${JSON.stringify(event)}, { awsRequestId: 'test' })));`);
  const text = execFileSync(process.execPath, [script], { env: { PATH: process.env.PATH, AURORA_STAGE: 'bundle-test', LOG_LEVEL: 'silent', ...env } }).toString();
  return JSON.parse(text);
}

const event = (headers: Record<string, string>, body: unknown) => ({ version: '2.0', rawPath: '/mcp', rawQueryString: '', headers, body: JSON.stringify(body), isBase64Encoded: false, requestContext: { requestId: 'r1', http: { method: 'POST', path: '/mcp' } } });

describe('the MCP function as bundled for Lambda', () => {
  it('loads, refuses a request without a principal, initializes, takes a notification, lists its tools, checks their arguments and runs one', () => {
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', host: 'api.example.com' };
    const list = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
    const refused = invoke({ AUTH_MODE: 'jwt' }, event(headers, list));
    expect(refused.statusCode).toBe(401);
    const user = { ...headers, 'x-user-id': 'bundle-user' };
    const init = invoke({ AUTH_MODE: 'trusted-header' }, event(user, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'b', version: '1' } } }));
    expect(JSON.parse(init.body).result).toMatchObject({ protocolVersion: '2025-06-18', serverInfo: { name: 'aurora-connectors' } });
    expect(invoke({ AUTH_MODE: 'trusted-header' }, event(user, { jsonrpc: '2.0', method: 'notifications/initialized' }))).toMatchObject({ statusCode: 202, body: '' });
    // one process: the registry's chunk, then zod's JSON Schema, then a tool's argument check
    const both = invoke({ AUTH_MODE: 'trusted-header' }, event(user, [list, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'cloud_tool', arguments: { command: '' } } }]));
    expect(both.statusCode).toBe(200);
    const [listed, called] = JSON.parse(both.body) as [{ result: { tools: Array<{ name: string; inputSchema: { required?: string[] } }> } }, { result: { isError: boolean; content: Array<{ text: string }> } }];
    const names = listed.result.tools.map((t) => t.name);
    expect(names).toContain('cloud_tool');
    expect(names).toContain('list_alerts');
    expect(listed.result.tools.find((t) => t.name === 'cloud_tool')!.inputSchema.required).toEqual(['command']);
    expect(called.result.isError).toBe(true);
    expect(called.result.content[0].text).toMatch(/Invalid arguments for tool cloud_tool: .* at command/);
    // a tool that runs: connection_status loads its service's chunks, then refuses a connector that is off (no table read)
    const off = invoke({ AUTH_MODE: 'trusted-header' }, event(user, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'connection_status', arguments: { provider: 'ovh' } } }));
    expect(JSON.parse(off.body).result).toMatchObject({ isError: true, structuredContent: { error: { code: 'unsupported_provider' } } });
  });
});
