import { randomBytes } from 'node:crypto';
import { ScanCommand } from '../../lib/db/dynamodb.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { runOnCluster } from '../../lib/kubectl/service.ts';
import { findLeaks, startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { createClusterToken, eventually, openAgentSocket, testClock, wsUrl, type RawAgent } from '../helpers/kubectl.ts';

/**
 * Agent tokens and the agents' WebSocket API over real HTTP and a real WebSocket through the local
 * gateway, with a hand-written agent (the real agent and kubectl: test/e2e/kubectl-agent.test.ts).
 * Time moves with the injected clock (stale, expiry, rate windows), never with sleeps.
 */
let rt: TestRuntime;
let clock: ReturnType<typeof testClock>;
const issued: string[] = [];

beforeAll(async () => {
  rt = await startTestRuntime({ env: { KUBECTL_COMMAND_TIMEOUT_MS: '2000' } });
  clock = testClock();
});
afterAll(async () => {
  clock.restore();
  await rt.close();
});

async function token(user: string, name: string, extra: Record<string, unknown> = {}) {
  const t = await createClusterToken(rt, user, { cluster_name: name, ...extra });
  issued.push(t.token);
  return t;
}

async function connectAndRegister(t: { token: string }, versions = { agent_version: '1.0.0', kubernetes_version: 'v1.32.3' }): Promise<RawAgent> {
  const a = await openAgentSocket(wsUrl(rt), t.token);
  a.send({ type: 'register', ...versions });
  await a.type('connected');
  return a;
}

const clusters = async (user: string) => (await rt.request('GET', '/api/kubectl/connections', { user })).body as Array<Record<string, any>>;
const cluster = async (user: string, id: string) => (await clusters(user)).find((c) => c.cluster_id === id);

describe('POST /api/kubectl/tokens', () => {
  it('issues a token once, with the Helm command and values, and lists the cluster as a connection', async () => {
    const r = await rt.request('POST', '/api/kubectl/tokens', { user: 'k-ann', body: { cluster_name: 'prod-eu', notes: 'main cluster', expires_days: 30 } });
    expect(r.status).toBe(200);
    const t = r.body;
    issued.push(t.token);
    expect(t.token).toMatch(/^aurora_kubectl_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(t.token.slice('aurora_kubectl_'.length), 'base64url')).toHaveLength(32);
    expect(t).toMatchObject({ cluster_name: 'prod-eu', token_id: expect.stringMatching(/^kt-/), cluster_id: expect.stringMatching(/^kc-/) });
    expect(Date.parse(t.expires_at) - Date.now()).toBeGreaterThan(29 * 86400_000);
    expect(t.install.helm_command).toBe('helm install aurora-kubectl-agent ./agent/chart --namespace aurora --create-namespace -f values.yaml');
    expect(t.install.helm_command).not.toContain(t.token);
    expect(t.install.values_yaml).toContain(`agentToken: "${t.token}"`);
    expect(t.install.values_yaml).toContain(`wsEndpoint: "${rt.url.replace('http://127.0.0.1', 'ws://localhost')}/kubectl-agent"`);

    const conns = (await rt.request('GET', '/api/user_connections', { user: 'k-ann' })).body;
    expect(conns).toEqual([expect.objectContaining({ provider: 'kubernetes', account_id: t.cluster_id, account_name: 'prod-eu', status: 'pending' })]);
    expect(await clusters('k-ann')).toEqual([
      { cluster_id: t.cluster_id, cluster_name: 'prod-eu', status: 'disconnected', agent_version: null, kubernetes_version: null, last_heartbeat_at: null, connected_at: null, token_id: t.token_id, write_mode: null },
    ]);
  });

  it('keeps only a hash: the token is in no table item', async () => {
    const t = await token('k-hash', 'hash-check');
    const items = (await deps().db.doc.send(new ScanCommand({ TableName: deps().db.table }))).Items ?? [];
    const text = JSON.stringify(items);
    expect(text).not.toContain(t.token);
    expect(text).not.toContain(t.token.slice('aurora_kubectl_'.length));
    expect(items.some((i) => typeof i.tokenHash === 'string' && /^sha256:[0-9a-f]{64}$/.test(i.tokenHash as string))).toBe(true);
  });

  it('refuses bad input with the envelope naming the field, and a second cluster of the same name', async () => {
    const bad = async (body: unknown, field: string) => {
      const r = await rt.request('POST', '/api/kubectl/tokens', { user: 'k-bad', body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.field).toBe(field);
    };
    await bad({}, 'cluster_name');
    await bad({ cluster_name: '' }, 'cluster_name');
    await bad({ cluster_name: '-x' }, 'cluster_name');
    await bad({ cluster_name: 'a', expires_days: 0 }, 'expires_days');
    await bad({ cluster_name: 'a', expires_days: 366 }, 'expires_days');
    await bad({ cluster_name: 'a', notes: 'x\u0001' }, 'notes');
    await bad({ cluster_name: 'a', extra: 1 }, 'extra');
    await token('k-bad', 'dup');
    const again = await rt.request('POST', '/api/kubectl/tokens', { user: 'k-bad', body: { cluster_name: 'DUP' } });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'cluster_name_taken', field: 'cluster_name' });
    // nothing half-written by the refusals
    expect((await clusters('k-bad')).map((c) => c.cluster_name)).toEqual(['dup']);
  });

  it('is rate limited per user (429 with the envelope and Retry-After), counting in the table; the next window is open again', async () => {
    const limit = deps().config.kubectl.tokenRateLimit;
    const windowMs = deps().config.kubectl.tokenRateWindowSeconds * 1000;
    // start just after a window opens, so the run never straddles two windows
    const now = deps().now();
    clock.advance(windowMs - (now % windowMs) + 1000);
    for (let i = 0; i < limit; i++) await token('k-rate', `c${i}`);
    const r = await rt.request('POST', '/api/kubectl/tokens', { user: 'k-rate', body: { cluster_name: 'one-too-many' } });
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe('rate_limited');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await clusters('k-rate')).length).toBe(limit);
    // another user is not affected
    expect((await rt.request('POST', '/api/kubectl/tokens', { user: 'k-rate-other', body: { cluster_name: 'x' } })).status).toBe(200);
    clock.advance(windowMs);
    expect((await rt.request('POST', '/api/kubectl/tokens', { user: 'k-rate', body: { cluster_name: 'next-window' } })).status).toBe(200);
  });
});

describe('$connect', () => {
  it('refuses a missing, malformed, unknown, expired, revoked or foreign token, and admits a good one', async () => {
    const url = wsUrl(rt);
    const refusedWith = async (tok: string | undefined, headers?: Record<string, string>) => {
      const e = (await openAgentSocket(url, tok, headers).then(
        (a) => {
          a.close();
          return { status: 101, body: '' };
        },
        (err: { status?: number; body?: string }) => err,
      )) as { status?: number; body?: string };
      return e;
    };
    expect((await refusedWith(undefined)).status).toBe(401);
    expect((await refusedWith('not-a-token')).status).toBe(401);
    const wrong = `aurora_kubectl_${randomBytes(32).toString('base64url')}`;
    const r = await refusedWith(wrong);
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body!).error.code).toBe('agent_token_refused');
    expect(r.body).not.toContain(wrong);

    const a = await token('k-conn-a', 'a-cluster', { expires_days: 1 });
    const b = await token('k-conn-b', 'b-cluster');
    // B's own token, presented for A's cluster
    expect((await refusedWith(b.token, { 'X-Aurora-Cluster-Id': a.cluster_id })).status).toBe(403);
    // and for its own cluster it is fine
    expect((await refusedWith(b.token, { 'X-Aurora-Cluster-Id': b.cluster_id })).status).toBe(101);

    expect((await refusedWith(a.token)).status).toBe(101);
    clock.advance(86400_000 + 1000);
    expect((await refusedWith(a.token)).status).toBe(401);
    clock.advance(-(86400_000 + 1000));

    expect((await rt.request('DELETE', `/api/kubectl/connections/${b.cluster_id}`, { user: 'k-conn-b' })).status).toBe(200);
    expect((await refusedWith(b.token)).status).toBe(401);
    expect(rt.logs.join('\n')).toContain('unknown or revoked token');
  });
});

describe('register, heartbeat, stale', () => {
  it('register → connected with versions; heartbeats keep it connected; three missed → stale; one more → connected', async () => {
    const t = await token('k-hb', 'hb');
    const a = await connectAndRegister(t, { agent_version: '1.2.3', kubernetes_version: 'v1.32.3' });
    expect(a.received[0]).toEqual({ type: 'connected', cluster_id: t.cluster_id, cluster_name: 'hb', heartbeat_seconds: 30 });
    const c = await cluster('k-hb', t.cluster_id);
    expect(c).toMatchObject({ status: 'connected', agent_version: '1.2.3', kubernetes_version: 'v1.32.3', write_mode: false });
    expect(Date.parse(c!.connected_at)).toBeLessThanOrEqual(Date.parse(c!.last_heartbeat_at));
    expect((await rt.request('GET', '/api/user_connections', { user: 'k-hb' })).body[0]).toMatchObject({ provider: 'kubernetes', status: 'connected' });

    clock.advance(30_000);
    const seen = a.received.length;
    a.send({ type: 'heartbeat' });
    await a.type('heartbeat_ack', seen);
    const after = await cluster('k-hb', t.cluster_id);
    expect(Date.parse(after!.last_heartbeat_at)).toBeGreaterThanOrEqual(Date.parse(c!.last_heartbeat_at) + 30_000);

    // three intervals (90 s) without one: still within (10 s to spare for a slow machine); past them: stale
    clock.advance(80_000);
    expect((await cluster('k-hb', t.cluster_id))!.status).toBe('connected');
    clock.advance(11_000);
    expect((await cluster('k-hb', t.cluster_id))!.status).toBe('stale');
    const n = a.received.length;
    a.send({ type: 'heartbeat' });
    await a.type('heartbeat_ack', n);
    expect((await cluster('k-hb', t.cluster_id))!.status).toBe('connected');

    a.close(1000);
    await eventually(async () => (await cluster('k-hb', t.cluster_id))?.status === 'disconnected', 'disconnected');
    // $disconnect detaches the socket, then records the connection's new state: wait for both
    const conn = await eventually(async () => {
      const c = (await rt.request('GET', '/api/user_connections', { user: 'k-hb' })).body[0];
      return c?.status === 'not_connected' && c;
    }, 'the connection marked not_connected');
    expect(conn.status_reason).toContain('1000');
  });

  it('answers unknown and malformed messages with an error message, and keeps the socket', async () => {
    const t = await token('k-msg', 'msg');
    const a = await connectAndRegister(t);
    let n = a.received.length;
    a.send({ type: 'launch_missiles' });
    expect(await a.type('error', n)).toMatchObject({ code: 'unknown_message_type' });
    n = a.received.length;
    a.ws.send('not json');
    expect(await a.type('error', n)).toMatchObject({ code: 'unknown_message_type' });
    n = a.received.length;
    a.send({ type: 'register', agent_version: 'has space', kubernetes_version: 'v1' });
    expect(await a.type('error', n)).toMatchObject({ code: 'invalid_message', message: expect.stringContaining('agent_version') });
    n = a.received.length;
    a.send({ type: 'heartbeat' });
    await a.type('heartbeat_ack', n);
    a.close();
  });
});

describe('rotation and revocation', () => {
  it('rotation: a new token; the old one is refused at $connect and its socket is told and closed', async () => {
    const t = await token('k-rot', 'rot');
    const a = await connectAndRegister(t);
    const r = await rt.request('POST', `/api/kubectl/tokens/${t.token_id}/rotate`, { user: 'k-rot' });
    expect(r.status).toBe(200);
    issued.push(r.body.token);
    expect(r.body).toMatchObject({ cluster_id: t.cluster_id, cluster_name: 'rot', replaces_token_id: t.token_id });
    expect(r.body.token).not.toBe(t.token);
    expect(r.body.install.helm_command).toContain('helm upgrade aurora-kubectl-agent');
    expect(await a.type('revoked')).toMatchObject({ reason: expect.stringContaining('rotated') });
    await a.untilClosed();
    await expect(openAgentSocket(wsUrl(rt), t.token)).rejects.toMatchObject({ status: 401 });
    const b = await connectAndRegister({ token: r.body.token });
    expect(await cluster('k-rot', t.cluster_id)).toMatchObject({ status: 'connected', token_id: r.body.token_id });
    // the old id cannot be rotated again; another user's id is not found
    expect((await rt.request('POST', `/api/kubectl/tokens/${t.token_id}/rotate`, { user: 'k-rot' })).body.error.code).toBe('token_revoked');
    expect((await rt.request('POST', `/api/kubectl/tokens/${r.body.token_id}/rotate`, { user: 'k-other' })).status).toBe(404);
    expect((await rt.request('POST', `/api/kubectl/tokens/not-an-id/rotate`, { user: 'k-rot' })).body.error.field).toBe('token_id');
    b.close();
  });

  it('revocation: the socket is told (revoked) and closed, the helm uninstall hint returned, the cluster gone; another user gets 404', async () => {
    const t = await token('k-rev', 'rev');
    const a = await connectAndRegister(t);
    expect((await rt.request('DELETE', `/api/kubectl/connections/${t.cluster_id}`, { user: 'k-intruder' })).status).toBe(404);
    expect((await cluster('k-rev', t.cluster_id))!.status).toBe('connected');
    const r = await rt.request('DELETE', `/api/kubectl/connections/${t.cluster_id}`, { user: 'k-rev' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'revoked', cluster_id: t.cluster_id, uninstall: { helm_command: 'helm uninstall aurora-kubectl-agent --namespace aurora' } });
    expect(await a.type('revoked')).toBeTruthy();
    await a.untilClosed();
    expect(await clusters('k-rev')).toEqual([]);
    expect((await rt.request('GET', '/api/user_connections', { user: 'k-rev' })).body).toEqual([]);
    expect((await rt.request('DELETE', `/api/kubectl/connections/${t.cluster_id}`, { user: 'k-rev' })).status).toBe(404);
    // the name is free again
    await token('k-rev', 'rev');
  });

  it('the generic disconnect route revokes the token and closes the socket too', async () => {
    const t = await token('k-gen', 'gen');
    const a = await connectAndRegister(t);
    const r = await rt.request('DELETE', '/api/auth/kubernetes/disconnect', { user: 'k-gen', body: { account_id: t.cluster_id } });
    expect(r.status, r.text).toBe(200);
    await a.type('revoked');
    await expect(openAgentSocket(wsUrl(rt), t.token)).rejects.toMatchObject({ status: 401 });
    expect(await clusters('k-gen')).toEqual([]);
  });
});

describe('runOnCluster through the socket and the table', () => {
  it('sends kubectl_command and returns the agent’s command_response', async () => {
    const t = await token('k-run', 'run');
    const a = await connectAndRegister(t);
    const n = a.received.length;
    const run = runOnCluster(deps(), 'k-run', t.cluster_id, ['kubectl', 'get', 'pods'], 1500);
    const cmd = await a.type('kubectl_command', n);
    expect(cmd).toMatchObject({ argv: ['kubectl', 'get', 'pods'], timeout_ms: 1500, command_id: expect.stringMatching(/^kx-/) });
    a.send({ type: 'command_response', command_id: cmd.command_id, success: true, output: 'NAME READY\nweb 1/1\n', error: '', return_code: 0 });
    expect(await run).toMatchObject({ success: true, output: 'NAME READY\nweb 1/1\n', return_code: 0, refused: false });
    // a second answer to the same command is ignored
    a.send({ type: 'command_response', command_id: cmd.command_id, success: false, output: '', error: 'late', return_code: 1 });
    a.close();
  });

  it('fails fast when no agent is connected, times out clearly when it does not answer, and fails at once when it goes away', async () => {
    const t = await token('k-run2', 'run2');
    await expect(runOnCluster(deps(), 'k-run2', t.cluster_id, ['kubectl', 'get', 'pods'])).rejects.toMatchObject({ status: 503, code: 'agent_not_connected' });
    await expect(runOnCluster(deps(), 'k-other', t.cluster_id, ['kubectl', 'get', 'pods'])).rejects.toMatchObject({ status: 404 });
    const a = await connectAndRegister(t);
    await expect(runOnCluster(deps(), 'k-run2', t.cluster_id, ['kubectl', 'get', 'pods'], 500)).rejects.toMatchObject({ status: 504, code: 'agent_timeout', message: expect.stringContaining('did not answer') });
    const n = a.received.length;
    const run = runOnCluster(deps(), 'k-run2', t.cluster_id, ['kubectl', 'get', 'pods'], 2000);
    await a.type('kubectl_command', n);
    rt.runtime.gateway.webSockets!.kill(rt.runtime.gateway.webSockets!.connections().at(-1)!);
    await expect(run).rejects.toMatchObject({ code: 'agent_disconnected' });
  });

  it('a command waiting on an agent whose cluster is revoked fails at once; a response from another cluster’s socket is not accepted', async () => {
    const t = await token('k-run3', 'run3');
    const other = await token('k-run3', 'run3-other');
    const a = await connectAndRegister(t);
    const b = await connectAndRegister(other);
    const n = a.received.length;
    // the rejection can arrive while the DELETE below is in flight: hold it from the start
    const run = runOnCluster(deps(), 'k-run3', t.cluster_id, ['kubectl', 'get', 'pods'], 20000).then(
      () => { throw new Error('the command ran on a revoked cluster'); },
      (e: unknown) => e,
    );
    const cmd = await a.type('kubectl_command', n);
    // the other cluster's agent answers the command: ignored
    b.send({ type: 'command_response', command_id: cmd.command_id, success: true, output: 'forged', error: '', return_code: 0 });
    b.send({ type: 'heartbeat' });
    await b.type('heartbeat_ack');
    expect((await rt.request('DELETE', `/api/kubectl/connections/${t.cluster_id}`, { user: 'k-run3' })).status).toBe(200);
    expect(await run).toMatchObject({ code: 'agent_disconnected', message: expect.stringContaining('revoked') });
    b.close();
  });
});

describe('leaks', () => {
  it('no issued token appears in any later response or log line', () => {
    expect(issued.length).toBeGreaterThan(5);
    expect(findLeaks([...rt.responses, ...rt.logs], issued)).toEqual([]);
  });
});
