import { dirname, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectGcp } from '../../lib/connectors/gcp/simulator-flow.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { testClock } from '../helpers/kubectl.ts';

/**
 * Provider selection by context (cloud_tool's session_id), over MCP with the SDK's client and over
 * HTTP: GCP and AWS connected through their simulators' real flows, AWS first in the preference
 * order, and `kubectl`, which both providers' CLIs include, as the provider-less read.
 */
let rt: TestRuntime;
const USERS = ['ctx-ann', 'ctx-bob'];
const clients: Record<string, Client> = {};

beforeAll(async () => {
  rt = await startTestRuntime({
    simulate: true,
    env: { CLOUD_TOOL_PATH: `${resolve('test/fixtures/fake-cli')}:${dirname(process.execPath)}`, CLOUD_TOOL_TIMEOUT_READ_MS: '8000', GCP_LOCAL_WAIT_MS: '5', GCP_LOCAL_RETRY_MS: '5', GCP_ENABLE_POLL_INTERVAL_MS: '10', CLOUD_TOOL_SESSION_TTL_SECONDS: '600' },
  });
  for (const user of USERS) {
    await connectGcp(rt.url, user, { timeoutMs: 60000, intervalMs: 20 });
    const ext = (await rt.request('GET', '/aws/onboarding', { user })).body.external_id;
    const aws = await rt.request('POST', '/aws/auth', { user, body: { role_arn: 'arn:aws:iam::123456789012:role/AuroraRole', external_id: ext } });
    expect(aws.status, aws.text).toBe(200);
    expect((await rt.request('PUT', '/api/user/provider-preference', { user, body: { provider_preference: ['aws', 'gcp'] } })).status).toBe(200);
    const token = (await rt.request('POST', '/api/agent-tokens', { user, body: { name: 'ctx agent' } })).body.token;
    const client = new Client({ name: 'ctx-agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${rt.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } }, fetch: rt.fetch }));
    clients[user] = client;
  }
}, 180000);
afterAll(async () => {
  for (const c of Object.values(clients)) await c.close();
  await rt.close();
});

type Result = { content: Array<{ text: string }>; structuredContent?: Record<string, any>; isError?: boolean };
async function run(user: string, args: Record<string, unknown>) {
  const r = (await clients[user].callTool({ name: 'cloud_tool', arguments: args })) as Result;
  expect(r.isError, r.content[0].text).toBeUndefined();
  return r.structuredContent as { provider: string; account_id: string; provider_selected_by: string };
}

describe('cloud_tool provider selection by session context', () => {
  it('a session whose last command ran on GCP sends a provider-less read to GCP; a new session goes by the preference order (AWS)', async () => {
    expect(await run('ctx-ann', { command: 'kubectl get pods' })).toMatchObject({ provider: 'aws', provider_selected_by: 'preference' });
    expect(await run('ctx-ann', { command: 'gcloud projects list', session_id: 'conv-1' })).toMatchObject({ provider: 'gcp', provider_selected_by: 'preference' });
    expect(await run('ctx-ann', { command: 'kubectl get pods', session_id: 'conv-1' })).toMatchObject({ provider: 'gcp', provider_selected_by: 'session' });
    expect(await run('ctx-ann', { command: 'kubectl get pods', session_id: 'conv-2' })).toMatchObject({ provider: 'aws', provider_selected_by: 'preference' });
    // a provider named in the request wins over the session, and moves the session with it
    expect(await run('ctx-ann', { command: 'kubectl get pods', session_id: 'conv-1', provider: 'aws' })).toMatchObject({ provider: 'aws', provider_selected_by: 'request' });
    expect(await run('ctx-ann', { command: 'kubectl get pods', session_id: 'conv-1' })).toMatchObject({ provider: 'aws', provider_selected_by: 'session' });
    // a program the session's provider does not run goes by its own provider
    expect(await run('ctx-ann', { command: 'gcloud projects list', session_id: 'conv-1' })).toMatchObject({ provider: 'gcp', provider_selected_by: 'preference' });
  });

  it("another user's session id changes nothing, for either of them", async () => {
    expect(await run('ctx-ann', { command: 'gcloud projects list', session_id: 'shared-id' })).toMatchObject({ provider: 'gcp' });
    expect(await run('ctx-bob', { command: 'kubectl get pods', session_id: 'shared-id' })).toMatchObject({ provider: 'aws', provider_selected_by: 'preference' });
    expect(await run('ctx-ann', { command: 'kubectl get pods', session_id: 'shared-id' })).toMatchObject({ provider: 'gcp', provider_selected_by: 'session' });
  });

  it('works the same over HTTP, and a session forgets after CLOUD_TOOL_SESSION_TTL_SECONDS', async () => {
    const http = async (body: Record<string, unknown>) => (await rt.request('POST', '/api/cloud_tool', { user: 'ctx-bob', body })).body;
    expect(await http({ command: 'gcloud projects list', session_id: 'web-1' })).toMatchObject({ provider: 'gcp', provider_selected_by: 'preference' });
    expect(await http({ command: 'kubectl get pods', session_id: 'web-1' })).toMatchObject({ provider: 'gcp', provider_selected_by: 'session' });
    const clock = testClock();
    try {
      clock.advance(601_000);
      expect(await http({ command: 'kubectl get pods', session_id: 'web-1' })).toMatchObject({ provider: 'aws', provider_selected_by: 'preference' });
    } finally {
      clock.restore();
    }
    const bad = await rt.request('POST', '/api/cloud_tool', { user: 'ctx-bob', body: { command: 'kubectl get pods', session_id: 'no spaces' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('session_id');
  });
});
