import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { getConnection } from '../../lib/connections/repo.ts';
import { setRetryDelayScale } from '../../lib/provider-http.ts';
import { revalidateAll } from '../../lib/connectors/revalidate.ts';
import { listAlerts } from '../../lib/alerts/store.ts';
import { NETDATA_FIXTURES as F, alertNotification, type NetdataSimulator } from '../../lib/connectors/netdata/simulator.ts';
import { findLeaks, startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

let rt: TestRuntime;
let sim: NetdataSimulator;
const [AURORA, STAGING] = F.multi.spaces;
const HOME = F.single.spaces[0];
const connect = (user: string, body: Record<string, unknown>) => rt.request('POST', '/netdata/connect', { user, body });
const record = (user: string, accountId = AURORA.id) => getConnection(deps().db, { userId: user, provider: 'netdata', accountId });
const alertsOf = async (user: string) => (await listAlerts(deps(), user, { limit: 100 })).alerts;
const setup = async (user: string) => {
  const r = await rt.request('GET', '/netdata/webhook-url', { user });
  expect(r.status, r.text).toBe(200);
  return r.body as { url: string; secret: string; webhook_id: string; headers: Record<string, string>; settings: Record<string, string> };
};
const post = (path: string, body: string, headers: Record<string, string> = {}) => rt.request('POST', path, { user: null, rawBody: body, headers: { 'content-type': 'application/json', ...headers } });

beforeAll(async () => {
  setRetryDelayScale(0.001);
  rt = await startTestRuntime({ simulate: true, env: { NETDATA_HTTP_TIMEOUT_MS: '300', WEBHOOK_REPLAY_WINDOW_SECONDS: '300' } });
  sim = rt.runtime.simulators.find((s) => s.name === 'netdata') as NetdataSimulator;
});
afterEach(() => sim.reset());
afterAll(async () => {
  expect(findLeaks([...rt.responses, ...rt.logs], sim.issuedSecrets())).toEqual([]);
  await rt.close();
  setRetryDelayScale(1);
});

describe('Netdata connect → status → disconnect', () => {
  it('validates the token against Netdata Cloud (the reference never did), picks the named space, keeps the token in the secret store only', async () => {
    const c = await connect('nd-walk', { apiToken: F.multi.token, spaceName: 'staging' });
    expect(c.status, c.text).toBe(200);
    expect(c.body).toEqual({ success: true, message: 'Netdata connected successfully', space_id: STAGING.id, space_name: 'Staging' });
    expect(sim.requests).toContain('GET /api/v2/spaces');
    expect((await rt.request('GET', '/api/user_connections', { user: 'nd-walk' })).body).toEqual([expect.objectContaining({ provider: 'netdata', account_id: STAGING.id, account_name: 'Staging', status: 'connected' })]);
    const conn = (await record('nd-walk', STAGING.id))!;
    expect(JSON.stringify(conn)).not.toContain(F.multi.token);
    expect((await deps().secrets.get(conn.secretRef!))?.reveal()).toEqual({ api_token: F.multi.token });
    expect((await rt.request('GET', '/netdata/status', { user: 'nd-walk' })).body).toEqual({ connected: true, provider: 'netdata', status: 'connected', space_id: STAGING.id, space_name: 'Staging' });
    const d = await rt.request('POST', '/netdata/disconnect', { user: 'nd-walk' });
    expect(d.body).toEqual({ success: true, message: 'Netdata disconnected successfully' });
    expect(await deps().secrets.exists(conn.secretRef!)).toBe(false);
    expect((await rt.request('GET', '/netdata/status', { user: 'nd-walk' })).body).toMatchObject({ connected: false, status: 'not_connected' });
  });

  it("the token's only space needs no name; several need one (400 listing them); an unknown name → 404 naming space_name", async () => {
    expect((await connect('nd-one', { api_token: F.single.token })).body).toMatchObject({ space_id: HOME.id, space_name: 'Home Lab' });
    const several = await connect('nd-many', { api_token: F.multi.token });
    expect(several.status).toBe(400);
    expect(several.body.error.field).toBe('space_name');
    expect(several.body.error.message).toContain('Aurora Sim, Staging');
    const unknown = await connect('nd-many', { api_token: F.multi.token, space_name: 'Production' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ field: 'space_name', code: 'space_not_found' });
    expect(await record('nd-many')).toBeNull();
  });

  it('a malformed token → 400 before any call; one Netdata does not know → 401; a grafana-plugin-scoped one → 403; all naming api_token', async () => {
    const before = sim.requests.length;
    for (const t of ['short', 'has spaces in it but is long enough', '']) expect((await connect('nd-bad', { api_token: t })).body.error.field).toBe('api_token');
    expect(sim.requests.length).toBe(before);
    const unknown = await connect('nd-bad', { api_token: F.unknownToken });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toMatchObject({ code: 'invalid_token', field: 'api_token' });
    const scoped = await connect('nd-bad', { api_token: F.pluginScoped });
    expect(scoped.status).toBe(403);
    expect(scoped.body.error.message).toMatch(/scope:all/);
    expect((await rt.request('GET', '/api/user_connections', { user: 'nd-bad' })).body).toEqual([]);
  });

  it('Netdata Cloud down → 503, nothing stored; a single blip is retried', async () => {
    sim.fail({ status: 503 });
    expect((await connect('nd-down', { api_token: F.single.token })).status).toBe(503);
    expect(await record('nd-down', HOME.id)).toBeNull();
    sim.reset();
    sim.fail({ status: 502, times: 1 });
    expect((await connect('nd-down', { api_token: F.single.token })).status).toBe(200);
  });
});

describe('Netdata live checks', () => {
  it('revocation, or leaving the space, flips it to error in the scheduled job and on status; restored, back to connected', async () => {
    await connect('nd-cron', { api_token: F.multi.token, space_name: 'Aurora Sim' });
    sim.revokeToken(F.multi.token);
    try {
      expect((await revalidateAll(deps(), { providers: ['netdata'] })).markedError).toBeGreaterThanOrEqual(1);
      expect((await record('nd-cron'))?.statusReason).toMatch(/rejected the API token/);
    } finally {
      sim.restoreToken(F.multi.token);
    }
    expect((await revalidateAll(deps(), { providers: ['netdata'] })).recovered).toBeGreaterThanOrEqual(1);
    expect((await record('nd-cron'))?.status).toBe('connected');
    sim.leaveSpace(F.multi.token, AURORA.id);
    try {
      const s = await rt.request('GET', '/netdata/status', { user: 'nd-cron' });
      expect(s.body).toMatchObject({ connected: false, status: 'error' });
      expect(s.body.reason).toMatch(/no longer reaches the connected space/);
    } finally {
      sim.rejoinSpace(F.multi.token, AURORA.id);
    }
    expect((await rt.request('GET', '/netdata/status', { user: 'nd-cron' })).body.connected).toBe(true);
  });
});

describe('Netdata alert webhooks', () => {
  it("Netdata's handshake passes with the connection's secret; its bearer-authenticated notification is stored once of three", async () => {
    await connect('nd-hook', { api_token: F.multi.token, space_name: 'Aurora Sim' });
    const s = await setup('nd-hook');
    expect(s.url).toMatch(/\/netdata\/alerts\/webhook\/[A-Za-z0-9_-]{32}$/);
    expect(s.headers).toEqual({ Authorization: `Bearer ${s.secret}` });
    const wrong = await sim.configureWebhook({ url: s.url, bearer: s.secret, challengeSecret: 'not-the-secret' });
    expect(wrong.ok).toBe(false);
    const hook = await sim.configureWebhook({ url: s.url, bearer: s.secret, challengeSecret: s.secret });
    expect(hook.ok).toBe(true);
    const id = (hook as { id: string }).id;
    const note = alertNotification();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(JSON.parse((await sim.deliver(id, note)).body));
    expect(answers).toEqual([
      { received: 1, stored: 1, duplicates: 0 },
      { received: 1, stored: 0, duplicates: 1 },
      { received: 1, stored: 0, duplicates: 1 },
    ]);
    expect(await alertsOf('nd-hook')).toEqual([expect.objectContaining({ connector: 'netdata', account_id: AURORA.id, type: 'Utilization', severity: 'critical', status: 'triggered', title: note.message, url: note.alert_url })]);
    // its clearing is another event; so is a reachability notification (undated: duplicates still fold)
    expect(JSON.parse((await sim.deliver(id, alertNotification({ severity: 'clear', date: new Date(Date.now() + 1000).toISOString() }))).body).stored).toBe(1);
    const reach = { message: 'db-1 is unreachable', url: 'https://app.netdata.cloud/spaces/aurora-sim/nodes/db-1', host: 'db-1', severity: 'critical', status: { reachable: false, text: 'unreachable' } };
    expect(JSON.parse((await sim.deliver(id, reach)).body)).toEqual({ received: 1, stored: 1, duplicates: 0 });
    expect(JSON.parse((await sim.deliver(id, reach)).body)).toEqual({ received: 1, stored: 0, duplicates: 1 });
    expect((await alertsOf('nd-hook')).map((a) => [a.type, a.status]).sort()).toEqual([['Utilization', 'resolved'], ['Utilization', 'triggered'], ['reachability', 'triggered']]);
  });

  it('no bearer, a wrong one, a stale date, a wrong id, another user\'s id → 401; handshakes without crc_token → 400; nothing stored', async () => {
    await connect('nd-refuse', { api_token: F.single.token });
    const s = await setup('nd-refuse');
    await connect('nd-refuse-2', { api_token: F.single.token });
    const other = await setup('nd-refuse-2');
    const path = new URL(s.url).pathname;
    const body = JSON.stringify(alertNotification());
    const bearer = { authorization: `Bearer ${s.secret}` };
    const cases: Array<[string, Promise<{ status: number; body: any }>]> = [
      ['no bearer', post(path, body)],
      ['the secret without the scheme', post(path, body, { authorization: s.secret })],
      ['wrong bearer', post(path, body, { authorization: `Bearer ${s.secret}x` })],
      ["another connection's secret", post(path, body, { authorization: `Bearer ${other.secret}` })],
      ['stale date', post(path, JSON.stringify(alertNotification({ date: new Date(Date.now() - 600_000).toISOString() })), bearer)],
      ['no date', post(path, JSON.stringify({ ...alertNotification(), date: undefined }), bearer)],
      ['unknown id', post(`/netdata/alerts/webhook/${randomBytes(24).toString('base64url')}`, body, bearer)],
      ["another user's id", post(new URL(other.url).pathname, body, bearer)],
      ['user id as id', post('/netdata/alerts/webhook/nd-refuse', body, bearer)],
    ];
    for (const [label, p] of cases) {
      const r = await p;
      expect(r.status, label).toBe(401);
      expect(r.body.error, label).toEqual({ code: 'webhook_unauthorized', message: 'Webhook delivery not authenticated' });
    }
    expect(await alertsOf('nd-refuse')).toEqual([]);
    expect(await alertsOf('nd-refuse-2')).toEqual([]);
    expect((await rt.request('GET', path, { user: null })).status).toBe(400);
    expect((await rt.request('GET', `/netdata/alerts/webhook/${randomBytes(24).toString('base64url')}?crc_token=abc`, { user: null })).status).toBe(401);
    const crc = await rt.request('GET', `${path}?crc_token=abc`, { user: null });
    expect(crc.body).toEqual({ response_token: `sha256=${createHmac('sha256', s.secret).update('abc').digest('base64')}` });
  });
});
