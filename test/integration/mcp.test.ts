import { dirname, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../lib/connections/repo.ts';
import { deps } from '../../lib/deps.ts';
import { SCALEWAY_FIXTURES as SCW } from '../../lib/connectors/scaleway/simulator.ts';
import { DATADOG_FIXTURES as DD } from '../../lib/connectors/datadog/simulator.ts';
import { findLeaks, startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { createClusterToken, openAgentSocket, testClock, wsUrl } from '../helpers/kubectl.ts';

/**
 * The MCP endpoint over real HTTP with the SDK's own client (Streamable HTTP transport), against
 * the local runtime: Scaleway connected through its simulator, the fake CLIs of
 * test/fixtures/fake-cli run by the local executor. Every MCP answer joins the leak scan's
 * captures (rt.fetch).
 */
let rt: TestRuntime;
const SERVER_ID = SCW.projects[0].id;
const TERMINATE = `scw instance server terminate ${SERVER_ID}`;

beforeAll(async () => {
  rt = await startTestRuntime({ simulate: true, env: { CLOUD_TOOL_PATH: `${resolve('test/fixtures/fake-cli')}:${dirname(process.execPath)}`, CLOUD_TOOL_TIMEOUT_READ_MS: '8000', CLOUD_TOOL_TIMEOUT_WRITE_MS: '8000' } });
  for (const user of ['mcp-ann', 'mcp-bob']) {
    const r = await rt.request('POST', '/scaleway_api/scaleway/connect', { user, body: { access_key: SCW.validKey.accessKey, secret_key: SCW.validKey.secretKey } });
    expect(r.status, r.text).toBe(200);
  }
}, 120000);
afterAll(async () => rt.close());

async function agentToken(user: string, name = 'test agent', extra: Record<string, unknown> = {}) {
  const r = await rt.request('POST', '/api/agent-tokens', { user, body: { name, ...extra } });
  expect(r.status, r.text).toBe(200);
  return r.body as { token: string; id: string };
}

async function connect(token: string): Promise<Client> {
  const client = new Client({ name: 'aurora-test-agent', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${rt.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } }, fetch: rt.fetch });
  await client.connect(transport);
  // stateless: the server hands out no session id to send back
  expect(transport.sessionId).toBeUndefined();
  return client;
}

type Result = { content: Array<{ type: string; text: string }>; structuredContent?: Record<string, any>; isError?: boolean };
const call = async (c: Client, name: string, args: Record<string, unknown> = {}) => (await c.callTool({ name, arguments: args })) as Result;

const runsOf = async (user: string, confirmationId: string) =>
  (await listAudit(deps().db, user)).filter((e) => e.action === 'cloud_tool.run' && (e.detail as Record<string, unknown>)?.confirmationId === confirmationId);

describe('POST /mcp', () => {
  it('answers 401 without a principal, with a bad token, and 405 on GET and DELETE', async () => {
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } };
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const none = await rt.fetch(`${rt.url}/mcp`, { method: 'POST', headers, body: JSON.stringify(init) });
    expect(none.status).toBe(401);
    expect(((await none.json()) as any).error.code).toBe('unauthorized');
    const bad = await rt.fetch(`${rt.url}/mcp`, { method: 'POST', headers: { ...headers, authorization: `Bearer aurora_agent_${'A'.repeat(43)}` }, body: JSON.stringify(init) });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as any).error.code).toBe('invalid_agent_token');
    for (const method of ['GET', 'DELETE']) {
      const r = await rt.fetch(`${rt.url}/mcp`, { method });
      expect(r.status).toBe(405);
      expect(r.headers.get('allow')).toBe('POST');
    }
  });

  it('answers bad JSON-RPC with a 4xx, never a 5xx, and an oversized body with 413', async () => {
    const { token } = await agentToken('mcp-ann', 'fuzzer');
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` };
    for (const body of ['not json', '{}', '[]', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'no_such_tool', arguments: {} } })]) {
      const r = await rt.fetch(`${rt.url}/mcp`, { method: 'POST', headers, body });
      const text = await r.text();
      expect(r.status, `${body}: ${text}`).toBeLessThan(500);
      if (r.status === 200) expect(JSON.parse(text).result?.isError ?? JSON.parse(text).error).toBeTruthy();
    }
    const huge = await rt.fetch(`${rt.url}/mcp`, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { pad: 'x'.repeat(200_000) } }) });
    expect(huge.status).toBe(413);
  });

  it('initializes statelessly (no session id), lists every tool with a schema, and calls each one', async () => {
    const { token } = await agentToken('mcp-ann', 'laptop agent');
    const client = await connect(token);
    expect(client.getServerVersion()?.name).toBe('aurora-connectors');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['cancel_confirmation', 'cloud_tool', 'connection_status', 'kubectl', 'list_alerts', 'list_connections', 'proxy_request']);
    const cloud = tools.find((t) => t.name === 'cloud_tool')!;
    expect(cloud.inputSchema.required).toEqual(['command']);
    expect(Object.keys(cloud.inputSchema.properties ?? {}).sort()).toEqual(['command', 'confirmation_id', 'mode', 'provider', 'selected_project_id', 'session_id']);
    // each argument says what it is for, which is all an agent has to go on
    const props = cloud.inputSchema.properties as Record<string, { description?: string; enum?: string[] }>;
    expect(props.mode.description).toMatch(/^"ask" \(the default\) runs read-only commands only/);
    expect(props.mode.enum).toEqual(['ask', 'agent']);
    expect(props.session_id.description).toMatch(/an id of your conversation/);
    for (const t of tools) expect(t.description!.length).toBeGreaterThan(40);

    const conns = await call(client, 'list_connections');
    expect(conns.isError).toBeUndefined();
    expect(conns.structuredContent!.connections).toEqual([expect.objectContaining({ provider: 'scaleway', status: 'connected' })]);

    const status = await call(client, 'connection_status', { provider: 'scaleway' });
    expect(status.structuredContent).toMatchObject({ connected: true, provider: 'scaleway', status: 'connected' });
    const notThere = await call(client, 'connection_status', { provider: 'aws' });
    expect(notThere.structuredContent).toMatchObject({ connected: false, status: 'not_connected' });

    const alerts = await call(client, 'list_alerts', {});
    expect(alerts.structuredContent).toEqual({ alerts: [], cursor: null });

    const run = await call(client, 'cloud_tool', { command: 'scw instance server list' });
    expect(run.isError, run.content[0].text).toBeUndefined();
    expect(run.structuredContent).toMatchObject({ success: true, provider: 'scaleway', return_code: 0, classification: 'read', truncated: false });
    expect(run.content[0].text).toContain('instance');

    const k = await call(client, 'kubectl', { command: 'kubectl get pods -A' });
    expect(k.isError).toBe(true);
    expect(k.structuredContent!.error.code).toBe('provider_not_connected');
    expect(k.content[0].text).toMatch(/Kubernetes is not connected/);

    const badArgs = await client.callTool({ name: 'cloud_tool', arguments: { command: '' } });
    expect(badArgs.isError).toBe(true);
    await client.close();
  });

  it("proxy_request reads a tool's API with the stored credential, which it never shows; Ask mode refuses a write, a path cannot leave the base", async () => {
    const dd = await rt.request('POST', '/datadog/connect', { user: 'mcp-bob', body: { api_key: DD.us1.apiKey, app_key: DD.us1.appKey, site: DD.us1.site } });
    expect(dd.status, dd.text).toBe(200);
    const client = await connect((await agentToken('mcp-bob')).token);
    const read = await call(client, 'proxy_request', { connector: 'datadog', path: '/api/v1/validate' });
    expect(read.isError, read.content[0].text).toBeUndefined();
    expect(read.structuredContent).toMatchObject({ connector: 'datadog', status: 200, body: { valid: true } });
    // Datadog's key list shows keys in full: the proxy redacts every stored value
    const keys = await call(client, 'proxy_request', { connector: 'datadog', path: '/api/v1/api_key' });
    expect(keys.structuredContent!.status).toBe(200);
    expect(JSON.stringify(keys)).not.toContain(DD.us1.apiKey);
    expect(JSON.stringify(keys)).toContain('[redacted]');
    const write = await call(client, 'proxy_request', { connector: 'datadog', method: 'POST', path: '/api/v1/monitor', body: { name: 'x', type: 'metric alert', query: 'avg(last_5m):avg:system.cpu.user{*} > 90' } });
    expect(write.isError).toBe(true);
    expect(write.structuredContent!.error).toMatchObject({ code: 'read_only_mode', field: 'mode' });
    const search = await call(client, 'proxy_request', { connector: 'datadog', method: 'POST', path: '/api/v2/logs/events/search', body: { filter: { query: '*' } } });
    expect(search.structuredContent!.status, search.content[0].text).toBe(200);
    for (const path of ['/../api/v1/validate', '/api/%2e%2e/v1', '//evil.example/x']) {
      const bad = await call(client, 'proxy_request', { connector: 'datadog', path });
      expect(bad.isError, path).toBe(true);
      expect(bad.structuredContent!.error.field, path).toBe('path');
    }
    const noApi = await call(client, 'proxy_request', { connector: 'scaleway', path: '/x' });
    expect(noApi.structuredContent!.error.code).toBe('no_proxy');
    await client.close();
    // bob's Datadog is not there for ann's agent
    const ann = await connect((await agentToken('mcp-ann')).token);
    const other = await call(ann, 'proxy_request', { connector: 'datadog', path: '/api/v1/validate' });
    expect(other.isError).toBe(true);
    expect(other.structuredContent!.error.code).toBe('not_connected');
    await ann.close();
  });

  it('Ask mode refuses a write as a tool error; a provider error is a tool error with the human message', async () => {
    const client = await connect((await agentToken('mcp-ann')).token);
    const w = await call(client, 'cloud_tool', { command: `scw instance server stop ${SERVER_ID}` });
    expect(w.isError).toBe(true);
    expect(w.structuredContent!.error.code).toBe('write_not_allowed_in_ask_mode');
    expect(w.content[0].text).toMatch(/Write operations not allowed in Ask mode/);
    const shell = await call(client, 'cloud_tool', { command: 'scw instance server list; rm -rf /' });
    expect(shell.isError).toBe(true);
    expect(shell.structuredContent!.error).toMatchObject({ code: 'command_rejected', field: 'command' });
    await client.close();
  });

  it('a destructive command waits for the person: refused until approved over HTTP, then runs exactly once; an agent token cannot approve', async () => {
    const client = await connect((await agentToken('mcp-ann', 'release bot')).token);
    const first = await call(client, 'cloud_tool', { command: TERMINATE, mode: 'agent' });
    expect(first.isError).toBeUndefined();
    const conf = first.structuredContent!;
    expect(conf).toMatchObject({ requires_confirmation: true, provider: 'scaleway', classification: 'destructive', argv: ['scw', 'instance', 'server', 'terminate', SERVER_ID] });
    expect(conf.reason).toMatch(/deletes/);
    expect(conf.approval_url).toBe(`${rt.url.replace('127.0.0.1', 'localhost')}/approvals?confirmation=${conf.confirmation_id}`);
    expect(first.content[0].text).toContain(conf.approval_url);

    const open = (await rt.request('GET', '/api/cloud_tool/confirmations', { user: 'mcp-ann' })).body.confirmations;
    expect(open).toEqual([expect.objectContaining({ id: conf.confirmation_id, argv: conf.argv, classification: 'destructive', reason: conf.reason, requested_by: { kind: 'agent', name: 'release bot' }, state: 'pending', expires_at: conf.expires_at })]);

    const early = await call(client, 'cloud_tool', { command: TERMINATE, mode: 'agent', confirmation_id: conf.confirmation_id });
    expect(early.isError).toBe(true);
    expect(early.structuredContent!.error.code).toBe('confirmation_not_approved');
    expect(await runsOf('mcp-ann', conf.confirmation_id)).toHaveLength(0);

    const token = (await agentToken('mcp-ann', 'sneaky')).token;
    const byAgent = await rt.request('POST', `/api/cloud_tool/confirmations/${conf.confirmation_id}/approve`, { user: null, headers: { authorization: `Bearer ${token}` } });
    expect(byAgent.status).toBe(403);
    const beside = await rt.request('POST', `/api/cloud_tool/confirmations/${conf.confirmation_id}/approve`, { user: 'mcp-ann', headers: { authorization: `Bearer ${token}` } });
    expect(beside.status).toBe(403);
    expect((await call(client, 'cloud_tool', { command: TERMINATE, mode: 'agent', confirmation_id: conf.confirmation_id })).structuredContent!.error.code).toBe('confirmation_not_approved');

    const approved = await rt.request('POST', `/api/cloud_tool/confirmations/${conf.confirmation_id}/approve`, { user: 'mcp-ann' });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body).toEqual({ status: 'approved' });

    const ran = await call(client, 'cloud_tool', { command: TERMINATE, mode: 'agent', confirmation_id: conf.confirmation_id });
    expect(ran.isError, ran.content[0].text).toBeUndefined();
    expect(ran.structuredContent).toMatchObject({ success: true, classification: 'destructive', return_code: 0 });
    const again = await call(client, 'cloud_tool', { command: TERMINATE, mode: 'agent', confirmation_id: conf.confirmation_id });
    expect(again.structuredContent!.error.code).toBe('confirmation_used');
    const runs = await runsOf('mcp-ann', conf.confirmation_id);
    expect(runs).toHaveLength(1);
    expect(runs[0].detail).toMatchObject({ outcome: 'completed', approvedBy: 'mcp-ann' });
    expect((await rt.request('GET', '/api/cloud_tool/confirmations', { user: 'mcp-ann' })).body.confirmations.map((c: { id: string }) => c.id)).not.toContain(conf.confirmation_id);
    await client.close();
  });

  it('cancel works from both sides', async () => {
    const client = await connect((await agentToken('mcp-ann')).token);
    const a = (await call(client, 'cloud_tool', { command: TERMINATE, mode: 'agent' })).structuredContent!.confirmation_id;
    const cancelled = await call(client, 'cancel_confirmation', { confirmation_id: a });
    expect(cancelled.structuredContent).toEqual({ status: 'cancelled', confirmation_id: a });
    expect((await rt.request('POST', `/api/cloud_tool/confirmations/${a}/approve`, { user: 'mcp-ann' })).body.error.code).toBe('confirmation_cancelled');

    const b = (await call(client, 'cloud_tool', { command: TERMINATE, mode: 'agent' })).structuredContent!.confirmation_id;
    expect((await rt.request('POST', `/api/cloud_tool/confirmations/${b}/approve`, { user: 'mcp-ann' })).status).toBe(200);
    expect((await rt.request('POST', `/api/cloud_tool/confirmations/${b}/cancel`, { user: 'mcp-ann' })).status).toBe(200);
    const refused = await call(client, 'cloud_tool', { command: TERMINATE, mode: 'agent', confirmation_id: b });
    expect(refused.structuredContent!.error.code).toBe('confirmation_cancelled');
    expect(await runsOf('mcp-ann', a)).toHaveLength(0);
    expect(await runsOf('mcp-ann', b)).toHaveLength(0);
    await client.close();
  });

  it("another user's confirmation id is refused, by their agent and by them", async () => {
    const ann = await connect((await agentToken('mcp-ann')).token);
    const id = (await call(ann, 'cloud_tool', { command: TERMINATE, mode: 'agent' })).structuredContent!.confirmation_id;
    const bob = await connect((await agentToken('mcp-bob')).token);
    const use = await call(bob, 'cloud_tool', { command: TERMINATE, mode: 'agent', confirmation_id: id });
    expect(use.structuredContent!.error.code).toBe('confirmation_not_found');
    expect((await call(bob, 'cancel_confirmation', { confirmation_id: id })).structuredContent!.error.code).toBe('confirmation_not_found');
    expect((await rt.request('POST', `/api/cloud_tool/confirmations/${id}/approve`, { user: 'mcp-bob' })).status).toBe(404);
    expect((await rt.request('GET', '/api/cloud_tool/confirmations', { user: 'mcp-bob' })).body.confirmations).toEqual([]);
    expect((await rt.request('GET', '/api/cloud_tool/confirmations', { user: 'mcp-ann' })).body.confirmations.map((c: { id: string }) => c.id)).toContain(id);
    await ann.close();
    await bob.close();
  });

  it('kubectl runs on the cluster through its agent, with the same policy', async () => {
    const cluster = await createClusterToken(rt, 'mcp-kim', { cluster_name: 'mcp-cluster' });
    const agent = await openAgentSocket(wsUrl(rt), cluster.token);
    agent.send({ type: 'register', agent_version: '1.0.0', kubernetes_version: 'v1.32.3' });
    await agent.type('connected');
    const client = await connect((await agentToken('mcp-kim')).token);
    const pending = call(client, 'kubectl', { command: 'kubectl get pods -A' });
    const cmd = await agent.type('kubectl_command');
    expect(cmd.argv).toEqual(['kubectl', 'get', 'pods', '-A']);
    agent.send({ type: 'command_response', command_id: cmd.command_id, success: true, output: 'NAMESPACE NAME READY\ndefault web-1 1/1\n', error: '', return_code: 0 });
    const r = await pending;
    expect(r.isError, r.content[0].text).toBeUndefined();
    expect(r.structuredContent).toMatchObject({ provider: 'kubernetes', account_id: cluster.cluster_id, return_code: 0, classification: 'read' });
    expect(r.content[0].text).toContain('default web-1 1/1');
    const del = await call(client, 'kubectl', { cluster_id: cluster.cluster_id, command: 'kubectl delete pod web-1' });
    expect(del.structuredContent!.error.code).toBe('write_not_allowed_in_ask_mode');
    agent.close();
    await client.close();
  });

  it('a revoked or expired agent token is refused', async () => {
    const t = await agentToken('mcp-ann', 'short-lived', { expires_days: 1 });
    const client = await connect(t.token);
    expect((await call(client, 'list_connections')).isError).toBeUndefined();
    const clock = testClock();
    try {
      clock.advance(86400_000 + 1000);
      await expect(client.listTools()).rejects.toThrow(/401|invalid, revoked or expired/);
    } finally {
      clock.restore();
    }
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    expect((await rt.request('DELETE', `/api/agent-tokens/${t.id}`, { user: 'mcp-ann' })).status).toBe(200);
    await expect(client.listTools()).rejects.toThrow(/401|invalid, revoked or expired/);
    await expect(connect(t.token)).rejects.toThrow();
  });

  it('no secret in any MCP answer', () => {
    const stored = [SCW.validKey.secretKey];
    expect(findLeaks(rt.responses, stored)).toEqual([]);
  });
});
