import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleOptions } from '../../lib/build/bundle.ts';

/**
 * The MCP function bundled as deployed (lib/build/bundle.ts) loads and answers. Unbundled, as the
 * other tests run it, the SDK's zod schemas always initialise; bundled, their order depends on
 * the imports of lib/http/mcp-handler.ts (it says why), and a wrong one fails only at load.
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
  it('loads, refuses a request without a principal, and lists its tools', () => {
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', host: 'api.example.com' };
    const list = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
    const refused = invoke({ AUTH_MODE: 'jwt' }, event(headers, list));
    expect(refused.statusCode).toBe(401);
    const listed = invoke({ AUTH_MODE: 'trusted-header' }, event({ ...headers, 'x-user-id': 'bundle-user' }, list));
    expect(listed.statusCode).toBe(200);
    const names = (JSON.parse(listed.body) as { result: { tools: Array<{ name: string }> } }).result.tools.map((t) => t.name);
    expect(names).toContain('cloud_tool');
    expect(names).toContain('list_alerts');
  });
});
