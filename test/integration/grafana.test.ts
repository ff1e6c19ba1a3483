import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { getConnection } from '../../lib/connections/repo.ts';
import { setRetryDelayScale } from '../../lib/provider-http.ts';
import { revalidateAll } from '../../lib/connectors/revalidate.ts';
import { listAlerts } from '../../lib/alerts/store.ts';
import { getRegistration } from '../../lib/webhooks/registry.ts';
import { GRAFANA_FIXTURES as F, notification, type GrafanaSimulator } from '../../lib/connectors/grafana/simulator.ts';
import { contactPointUid } from '../../lib/connectors/grafana/webhook.ts';
import { findLeaks, startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

let rt: TestRuntime;
let sim: GrafanaSimulator;
const cloud = { api_token: F.cloud.editorToken, base_url: F.cloud.url };
const CLOUD_ACCOUNT = 'aurora-sim.grafana.net/orgs/1';
const connect = (user: string, body: Record<string, unknown>) => rt.request('POST', '/grafana/connect', { user, body });
const record = (user: string, accountId = CLOUD_ACCOUNT) => getConnection(deps().db, { userId: user, provider: 'grafana', accountId });
const alertsOf = async (user: string) => (await listAlerts(deps(), user, { limit: 100 })).alerts;
const setup = async (user: string) => {
  const r = await rt.request('GET', '/grafana/webhook-url', { user });
  expect(r.status, r.text).toBe(200);
  return r.body as { url: string; secret: string; webhook_id: string; settings: Record<string, any>; steps: string[] };
};

const alert = (over: Record<string, unknown> = {}) => ({
  status: 'firing',
  labels: { alertname: 'HighLatency', severity: 'critical', service: 'checkout' },
  annotations: { summary: 'p99 latency above 2s on checkout' },
  startsAt: '2026-03-15T10:00:00Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'https://aurora-sim.grafana.net/alerting/grafana/abc/view',
  fingerprint: 'a1b2c3d4e5f60718',
  ...over,
});
/** A notification as Grafana signs it: hex HMAC-SHA256 of "<ts>:<body>". */
function signed(secret: string, body: string, ts = Math.floor(Date.now() / 1000)) {
  return { 'x-grafana-alerting-timestamp': String(ts), 'x-grafana-alerting-signature': createHmac('sha256', secret).update(`${ts}:${body}`).digest('hex') };
}
const post = (path: string, body: string, headers: Record<string, string> = {}) => rt.request('POST', path, { user: null, rawBody: body, headers: { 'content-type': 'application/json', ...headers } });

beforeAll(async () => {
  setRetryDelayScale(0.001);
  rt = await startTestRuntime({ simulate: true, env: { GRAFANA_HTTP_TIMEOUT_MS: '300', WEBHOOK_REPLAY_WINDOW_SECONDS: '300' } });
  sim = rt.runtime.simulators.find((s) => s.name === 'grafana') as GrafanaSimulator;
});
afterEach(() => sim.reset());
afterAll(async () => {
  expect(findLeaks([...rt.responses, ...rt.logs], sim.issuedSecrets())).toEqual([]);
  await rt.close();
  setRetryDelayScale(1);
});

describe('Grafana connect → status → disconnect', () => {
  it('validates a Cloud stack token with GET /api/org, keeps it in the secret store only, shows the connection', async () => {
    const c = await connect('gf-walk', cloud);
    expect(c.status, c.text).toBe(200);
    expect(c.body).toEqual({ success: true, message: 'Grafana connected successfully', base_url: F.cloud.url, deployment: 'cloud', organization: F.cloud.orgName, organization_id: 1 });
    expect(sim.requests).toContain('GET /aurora-sim/api/org');
    const list = await rt.request('GET', '/api/user_connections', { user: 'gf-walk' });
    expect(list.body).toEqual([expect.objectContaining({ provider: 'grafana', account_id: CLOUD_ACCOUNT, status: 'connected' })]);
    const conn = (await record('gf-walk'))!;
    expect(conn.metadata).toEqual({ base_url: F.cloud.url, deployment: 'cloud', org_id: 1 });
    expect(JSON.stringify(conn)).not.toContain(F.cloud.editorToken);
    expect((await deps().secrets.get(conn.secretRef!))?.reveal()).toEqual({ api_token: F.cloud.editorToken });

    const s = await rt.request('GET', '/grafana/status', { user: 'gf-walk' });
    expect(s.body).toEqual({ connected: true, provider: 'grafana', status: 'connected', base_url: F.cloud.url, deployment: 'cloud', organization: `${F.cloud.orgName} (aurora-sim.grafana.net)` });

    const d = await rt.request('POST', '/grafana/disconnect', { user: 'gf-walk' });
    expect(d.body).toEqual({ success: true, message: 'Grafana disconnected successfully' });
    expect(await record('gf-walk')).toBeNull();
    expect(await deps().secrets.exists(conn.secretRef!)).toBe(false);
    expect((await rt.request('GET', '/grafana/status', { user: 'gf-walk' })).body).toMatchObject({ connected: false, status: 'not_connected', reason: 'Grafana is not connected' });
  });

  it('takes the seed\'s camelCase body, a stack URL without scheme or with a page path, and a self-hosted URL', async () => {
    expect((await connect('gf-camel', { apiToken: F.cloud.viewerToken, baseUrl: 'aurora-sim.grafana.net/' })).status).toBe(200);
    expect((await connect('gf-page', { ...cloud, base_url: 'https://aurora-sim.grafana.net/d/web-overview' })).body.base_url).toBe(F.cloud.url);
    const self = await connect('gf-self', { api_token: F.onprem.editorToken, base_url: `${sim.url}/onprem/` });
    expect(self.status, self.text).toBe(200);
    expect(self.body).toMatchObject({ base_url: `${sim.url}/onprem`, deployment: 'self_hosted', organization_id: 3 });
    expect(await record('gf-self', `${new URL(sim.url).host}/onprem/orgs/3`)).not.toBeNull();
  });

  it('refuses malformed tokens and URLs before calling Grafana, naming the field', async () => {
    const before = sim.requests.length;
    for (const [body, field] of [
      [{ ...cloud, api_token: 'glsa_short' }, 'api_token'],
      [{ ...cloud, api_token: 'eyJrIjoiT0tTcG1pUlY2RnVKZTFVaDFsNFZXdE9ZWmNrMkZYbk' }, 'api_token'],
      [{ api_token: F.cloud.editorToken }, 'base_url'],
      [{ ...cloud, base_url: 'ftp://grafana.example.com' }, 'base_url'],
      [{ ...cloud, base_url: 'https://admin:pw@grafana.example.com' }, 'base_url'],
      [{ ...cloud, base_url: 'https://grafana.example.com/?x=1' }, 'base_url'],
      [{ ...cloud, base_url: 'http://grafana.example.com' }, 'base_url'],
      [{ ...cloud, base_url: 'https://127.0.0.1:3000' }, 'base_url'],
      [{ ...cloud, base_url: 'https://localhost' }, 'base_url'],
      [{ ...cloud, base_url: 'https://169.254.169.254' }, 'base_url'],
      [{ ...cloud, base_url: 'https://[::1]:3000' }, 'base_url'],
      [{ ...cloud, extra: 1 }, 'extra'],
    ] as const) {
      const r = await connect('gf-bad', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.field, JSON.stringify(body)).toBe(field);
    }
    expect(sim.requests.length).toBe(before);
    expect(await record('gf-bad')).toBeNull();
  });

  it('a token Grafana does not know, or one of another instance → 401 naming it; nothing stored', async () => {
    const r = await connect('gf-wrong', { ...cloud, api_token: F.unknownToken });
    expect(r.status).toBe(401);
    expect(r.body.error).toMatchObject({ code: 'invalid_token', field: 'api_token' });
    expect(r.body.error.message).toMatch(/aurora-sim\.grafana\.net rejected the service-account token/);
    expect((await connect('gf-wrong', { ...cloud, api_token: F.onprem.editorToken })).status).toBe(401);
    expect(await record('gf-wrong')).toBeNull();
  });

  it('Grafana down → 503 after retries; a single blip is retried', async () => {
    sim.fail({ status: 503 });
    expect((await connect('gf-down', cloud)).status).toBe(503);
    expect(await record('gf-down')).toBeNull();
    sim.reset();
    sim.fail({ status: 502, times: 1 });
    expect((await connect('gf-down', cloud)).status).toBe(200);
  });
});

describe('Grafana live checks', () => {
  it('a token revoked in Grafana flips status to error (kept); restored, connected again; the scheduled job too', async () => {
    await connect('gf-revoked', cloud);
    sim.revokeToken(F.cloud.editorToken);
    try {
      const run = await revalidateAll(deps(), { providers: ['grafana'] });
      expect(run.markedError).toBeGreaterThanOrEqual(1);
      expect((await record('gf-revoked'))?.status).toBe('error');
      const s = await rt.request('GET', '/grafana/status', { user: 'gf-revoked' });
      expect(s.body).toMatchObject({ connected: false, status: 'error' });
      expect(s.body.reason).toMatch(/rejected the service-account token/);
      expect(await deps().secrets.exists((await record('gf-revoked'))!.secretRef!)).toBe(true);
    } finally {
      sim.restoreToken(F.cloud.editorToken);
    }
    const back = await revalidateAll(deps(), { providers: ['grafana'] });
    expect(back.recovered).toBeGreaterThanOrEqual(1);
    expect((await record('gf-revoked'))?.status).toBe('connected');
  });
});

describe('Grafana alert webhooks', () => {
  it('creates the contact point through the provisioning API with its HMAC config; Grafana\'s signed notification is stored once of three', async () => {
    await connect('gf-hook', cloud);
    const before = await setup('gf-hook');
    expect(before.url).toMatch(/\/grafana\/alerts\/webhook\/[A-Za-z0-9_-]{32}$/);
    expect(before.url).not.toContain('gf-hook');
    expect(before.settings.hmacConfig).toEqual({ secret: before.secret, header: 'X-Grafana-Alerting-Signature', timestampHeader: 'X-Grafana-Alerting-Timestamp' });
    const c = await rt.request('POST', '/api/connectors/grafana/webhook', { user: 'gf-hook', body: {} });
    expect(c.status, c.text).toBe(200);
    expect(c.body).toMatchObject({ created_in_tool: true, secret: null, url: before.url });
    const uid = contactPointUid(before.webhook_id);
    const cp = sim.contactPoints(F.cloud.instance).find((p) => p.uid === uid)!;
    expect(cp.settings).toMatchObject({ url: before.url, httpMethod: 'POST', hmacConfig: { secret: before.secret, header: 'X-Grafana-Alerting-Signature', timestampHeader: 'X-Grafana-Alerting-Timestamp' } });
    // asking again updates the same contact point
    expect((await rt.request('POST', '/api/connectors/grafana/webhook', { user: 'gf-hook', body: {} })).status).toBe(200);
    expect(sim.contactPoints(F.cloud.instance).filter((p) => p.uid === uid)).toHaveLength(1);

    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await sim.deliver(F.cloud.instance, uid, [alert()]));
    expect(answers.map((a) => JSON.parse(a.body))).toEqual([
      { received: 1, stored: 1, duplicates: 0 },
      { received: 1, stored: 0, duplicates: 1 },
      { received: 1, stored: 0, duplicates: 1 },
    ]);
    expect(await alertsOf('gf-hook')).toEqual([
      expect.objectContaining({ connector: 'grafana', account_id: CLOUD_ACCOUNT, type: 'alert', severity: 'critical', title: 'p99 latency above 2s on checkout', status: 'triggered', url: alert().generatorURL }),
    ]);
    // its resolution is another event; a group of two stores both
    const two = await sim.deliver(F.cloud.instance, uid, [alert({ status: 'resolved', endsAt: '2026-03-15T10:05:00Z' }), alert({ fingerprint: 'ffff000011112222', labels: { alertname: 'DiskFull', severity: 'warning' }, annotations: {} })]);
    expect(JSON.parse(two.body)).toEqual({ received: 2, stored: 2, duplicates: 0 });
    expect((await alertsOf('gf-hook')).map((a) => [a.title, a.status, a.severity]).sort()).toEqual([
      ['DiskFull', 'triggered', 'warning'],
      ['p99 latency above 2s on checkout', 'resolved', 'critical'],
      ['p99 latency above 2s on checkout', 'triggered', 'critical'],
    ]);
  });

  it('a Viewer token may not create the contact point → 403 saying so; the manual setup stays', async () => {
    await connect('gf-viewer', { ...cloud, api_token: F.cloud.viewerToken });
    const c = await rt.request('POST', '/api/connectors/grafana/webhook', { user: 'gf-viewer', body: {} });
    expect(c.status).toBe(403);
    expect(c.body.error.message).toMatch(/may not manage contact points/);
    expect((await rt.request('GET', '/grafana/webhook-url', { user: 'gf-viewer' })).body.created_in_tool).toBe(false);
  });

  it('unsigned, wrongly signed, timestamp outside the window or not the signed one, wrong id → 401, nothing stored', async () => {
    await connect('gf-refuse', cloud);
    const s = await setup('gf-refuse');
    await connect('gf-refuse-2', cloud);
    const other = await setup('gf-refuse-2');
    const path = new URL(s.url).pathname;
    const body = JSON.stringify(notification([alert()], 'x'));
    const now = Math.floor(Date.now() / 1000);
    const good = signed(s.secret, body);
    const cases: Array<[string, Promise<{ status: number; body: any }>]> = [
      ['unsigned', post(path, body)],
      ['signature without timestamp', post(path, body, { 'x-grafana-alerting-signature': good['x-grafana-alerting-signature'] })],
      ['wrong secret', post(path, body, signed(`${s.secret}x`, body))],
      ["another connection's secret", post(path, body, signed(other.secret, body))],
      ['body changed after signing', post(path, body.replace('checkout', 'payments'), good)],
      ['timestamp changed after signing', post(path, body, { ...good, 'x-grafana-alerting-timestamp': String(now + 1) })],
      ['replayed after the window', post(path, body, signed(s.secret, body, now - 600))],
      ['from beyond the window ahead', post(path, body, signed(s.secret, body, now + 600))],
      ['unknown id', post(`/grafana/alerts/webhook/${randomBytes(24).toString('base64url')}`, body, good)],
      ['user id as id', post('/grafana/alerts/webhook/gf-refuse', body, good)],
    ];
    for (const [label, p] of cases) {
      const r = await p;
      expect(r.status, label).toBe(401);
      expect(r.body.error, label).toEqual({ code: 'webhook_unauthorized', message: 'Webhook delivery not authenticated' });
    }
    expect(await alertsOf('gf-refuse')).toEqual([]);
    // another user's id with this user's secret moves nothing either
    expect((await post(new URL(other.url).pathname, body, good)).status).toBe(401);
    expect(await alertsOf('gf-refuse-2')).toEqual([]);
    // signed but not a notification → 400, nothing stored
    const junk = JSON.stringify({ alerts: [{ status: 'firing' }] });
    expect((await post(path, junk, signed(s.secret, junk))).status).toBe(400);
    expect(await alertsOf('gf-refuse')).toEqual([]);
  });

  it('disconnect removes the contact point it created in Grafana, the registration, its secret and the token', async () => {
    await connect('gf-bye', cloud);
    const s = await setup('gf-bye');
    expect((await rt.request('POST', '/api/connectors/grafana/webhook', { user: 'gf-bye', body: {} })).status).toBe(200);
    const reg = (await getRegistration(deps(), { userId: 'gf-bye', provider: 'grafana', accountId: CLOUD_ACCOUNT }))!;
    const conn = (await record('gf-bye'))!;
    expect((await rt.request('POST', '/grafana/disconnect', { user: 'gf-bye' })).status).toBe(200);
    expect(sim.contactPoints(F.cloud.instance).find((p) => p.uid === contactPointUid(s.webhook_id))).toBeUndefined();
    expect(await getRegistration(deps(), { userId: 'gf-bye', provider: 'grafana', accountId: CLOUD_ACCOUNT })).toBeNull();
    expect(await deps().secrets.exists(reg.secretRef)).toBe(false);
    expect(await deps().secrets.exists(conn.secretRef!)).toBe(false);
  });
});
