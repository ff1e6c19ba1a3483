import { ApiGatewayManagementApiClient, DeleteConnectionCommand, GetConnectionCommand, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { createClusterToken, openAgentSocket, wsUrl } from '../helpers/kubectl.ts';

/**
 * The local stand-in for API Gateway WebSocket APIs (lib/local/websocket-gateway.ts): the same
 * management API wire protocol the deployed service uses, answered for the real SDK client.
 */
let rt: TestRuntime;
let sdk: ApiGatewayManagementApiClient;
beforeAll(async () => {
  rt = await startTestRuntime();
  sdk = new ApiGatewayManagementApiClient({ endpoint: rt.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => rt.close());

describe('management API (/@connections/{id})', () => {
  it('GET, POST and DELETE a live socket with the SDK; a gone one answers GoneException', async () => {
    const t = await createClusterToken(rt, 'gw-user', { cluster_name: 'gw' });
    const a = await openAgentSocket(wsUrl(rt), t.token, { 'User-Agent': 'gw-test/1' });
    const [id] = rt.runtime.gateway.webSockets!.connections();
    expect(id).toMatch(/^[A-Za-z0-9+/]{15}=$/);
    const info = await sdk.send(new GetConnectionCommand({ ConnectionId: id }));
    expect(info.Identity?.UserAgent).toBe('gw-test/1');
    expect(info.ConnectedAt).toBeInstanceOf(Date);
    await sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('{"type":"hello"}') }));
    expect(await a.type('hello')).toEqual({ type: 'hello' });
    await sdk.send(new DeleteConnectionCommand({ ConnectionId: id }));
    expect((await a.untilClosed()).code).toBe(1000);
    await expect(sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('x') }))).rejects.toMatchObject({ name: 'GoneException' });
    await expect(sdk.send(new GetConnectionCommand({ ConnectionId: 'nope' }))).rejects.toMatchObject({ name: 'GoneException' });
  });

  it('refuses unsigned requests, as API Gateway does', async () => {
    const r = await fetch(`${rt.url}/@connections/abc`, { method: 'POST', body: 'x' });
    expect(r.status).toBe(403);
    expect(r.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
  });
});

describe('WebSocket routes', () => {
  it('answers an upgrade on another path with 404, and keeps HTTP routes working on the same port', async () => {
    await expect(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`${rt.url.replace('http', 'ws')}/elsewhere`);
        ws.once('unexpected-response', (_q, res) => reject(Object.assign(new Error('refused'), { status: res.statusCode })));
        ws.once('open', resolve);
      }),
    ).rejects.toMatchObject({ status: 404 });
    expect((await rt.request('GET', '/api/kubectl/connections', { user: 'gw-user' })).status).toBe(200);
  });

  it('routes binary frames and unknown types to $default', async () => {
    const t = await createClusterToken(rt, 'gw-user2', { cluster_name: 'gw2' });
    const a = await openAgentSocket(wsUrl(rt), t.token);
    a.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await a.type('error')).toMatchObject({ code: 'unknown_message_type' });
    a.close();
  });
});
