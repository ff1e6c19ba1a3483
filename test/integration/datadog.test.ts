import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { getConnection } from '../../lib/connections/repo.ts';
import { setRetryDelayScale } from '../../lib/provider-http.ts';
import { revalidateAll } from '../../lib/connectors/revalidate.ts';
import { getRegistration } from '../../lib/webhooks/registry.ts';
import { DATADOG_FIXTURES as F, type DatadogSimulator } from '../../lib/connectors/datadog/simulator.ts';
import { findLeaks, startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

const CONNECT = '/datadog/connect';
const STATUS = '/datadog/status';
const DISCONNECT = '/datadog/disconnect';

let rt: TestRuntime;
let sim: DatadogSimulator;

const connect = (user: string, body: Record<string, unknown>) => rt.request('POST', CONNECT, { user, body });
const us1 = { api_key: F.us1.apiKey, app_key: F.us1.appKey, site: 'datadoghq.com' };
const record = (user: string, orgId = F.us1.orgId) => getConnection(deps().db, { userId: user, provider: 'datadog', accountId: orgId });

beforeAll(async () => {
  setRetryDelayScale(0.001);
  rt = await startTestRuntime({ simulate: true, env: {} });
  sim = rt.runtime.simulators.find((s) => s.name === 'datadog') as DatadogSimulator;
});
afterEach(() => sim.reset());
afterAll(async () => {
  expect(findLeaks([...rt.responses, ...rt.logs], sim.issuedSecrets())).toEqual([]);
  await rt.close();
  setRetryDelayScale(1);
});

describe('Datadog connect → status → disconnect', () => {
  it('validates both keys on the site, keeps them in the secret store only, shows the connection like a cloud', async () => {
    const c = await connect('dd-walk', us1);
    expect(c.status).toBe(200);
    expect(c.body).toEqual({ success: true, message: 'Datadog connected successfully', site: 'datadoghq.com', organization: F.us1.orgName, organization_id: F.us1.orgId });
    expect(sim.requests).toEqual(expect.arrayContaining(['GET /datadoghq.com/api/v1/validate', 'GET /datadoghq.com/api/v2/current_user']));

    const list = await rt.request('GET', '/api/user_connections', { user: 'dd-walk' });
    expect(list.body).toEqual([expect.objectContaining({ provider: 'datadog', account_id: F.us1.orgId, account_name: F.us1.orgName, status: 'connected' })]);
    const conn = await record('dd-walk');
    expect(conn?.metadata).toEqual({ site: 'datadoghq.com', key_owner: F.us1.handle });
    expect(JSON.stringify(conn)).not.toContain(F.us1.apiKey);
    expect((await deps().secrets.get(conn!.secretRef!))?.reveal()).toEqual({ api_key: F.us1.apiKey, app_key: F.us1.appKey });

    const s = await rt.request('GET', STATUS, { user: 'dd-walk' });
    expect(s.body).toEqual({ connected: true, provider: 'datadog', status: 'connected', site: 'datadoghq.com', organization: F.us1.orgName });
    expect((await rt.request('GET', '/api/connectors/datadog/status', { user: 'dd-walk' })).body).toEqual(s.body);

    const d = await rt.request('POST', DISCONNECT, { user: 'dd-walk' });
    expect(d.body).toEqual({ success: true, message: 'Datadog disconnected successfully' });
    expect(await record('dd-walk')).toBeNull();
    expect(await deps().secrets.exists(conn!.secretRef!)).toBe(false);
    expect((await rt.request('GET', STATUS, { user: 'dd-walk' })).body).toEqual({ connected: false, provider: 'datadog', status: 'not_connected', reason: 'Datadog is not connected', site: null, organization: null });
  });

  it('takes the camelCase body of the seed frontend and a site by its code or app address', async () => {
    expect((await connect('dd-camel', { apiKey: F.us1.apiKey, appKey: F.us1.appKey, site: 'US1' })).status).toBe(200);
    const eu = await connect('dd-eu', { apiKey: F.eu.apiKey, appKey: F.eu.appKey, site: 'https://app.datadoghq.eu' });
    expect(eu.status).toBe(200);
    expect(eu.body).toMatchObject({ site: 'datadoghq.eu', organization_id: F.eu.orgId });
    expect(sim.requests).toContain('GET /datadoghq.eu/api/v1/validate');
    // no site: US1, Datadog's default
    expect((await connect('dd-default', { api_key: F.us1.apiKey, app_key: F.us1.appKey })).body.site).toBe('datadoghq.com');
  });

  it('refuses malformed keys and unknown sites before calling Datadog, naming the field', async () => {
    const before = sim.requests.length;
    for (const [body, field] of [
      [{ ...us1, api_key: 'short' }, 'api_key'],
      [{ ...us1, api_key: F.us1.apiKey.toUpperCase() }, 'api_key'],
      [{ ...us1, app_key: F.us1.apiKey }, 'app_key'],
      [{ api_key: F.us1.apiKey }, 'app_key'],
      [{ ...us1, extra: 1 }, 'extra'],
    ] as const) {
      const r = await connect('dd-bad', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.field).toBe(field);
    }
    const site = await connect('dd-bad', { ...us1, site: 'datadoghq.net' });
    expect(site.status).toBe(400);
    expect(site.body.error.field).toBe('site');
    expect(site.body.error.message).toMatch(/US1 \(datadoghq\.com\).*US1-FED \(ddog-gov\.com\)/);
    expect(sim.requests.length).toBe(before);
    expect(await record('dd-bad')).toBeNull();
  });

  it('a key Datadog does not know, or a key of another site → 401 naming it; nothing stored', async () => {
    const api = await connect('dd-wrong', { ...us1, api_key: F.unknownApiKey });
    expect(api.status).toBe(401);
    expect(api.body.error).toMatchObject({ code: 'invalid_api_key', field: 'api_key' });
    expect(api.body.error.message).toMatch(/rejected the API key on datadoghq\.com/);
    const app = await connect('dd-wrong', { ...us1, app_key: F.unknownAppKey });
    expect(app.status).toBe(401);
    expect(app.body.error).toMatchObject({ code: 'invalid_app_key', field: 'app_key' });
    const otherSite = await connect('dd-wrong', { api_key: F.eu.apiKey, app_key: F.eu.appKey, site: 'US1' });
    expect(otherSite.status).toBe(401);
    expect(otherSite.body.error.field).toBe('api_key');
    const crossed = await connect('dd-wrong', { api_key: F.us1.apiKey, app_key: F.eu.appKey });
    expect(crossed.body.error.field).toBe('app_key');
    expect(await record('dd-wrong')).toBeNull();
    expect(await record('dd-wrong', F.eu.orgId)).toBeNull();
  });

  it('Datadog down during connect → 503 after retries; a single blip is retried', async () => {
    sim.fail({ status: 503 });
    const r = await connect('dd-down', us1);
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('provider_unavailable');
    expect(await record('dd-down')).toBeNull();
    sim.reset();
    sim.fail({ status: 502, times: 1 });
    expect((await connect('dd-down', us1)).status).toBe(200);
  });
});

describe('Datadog live checks', () => {
  it('a key revoked in Datadog flips status to error (credentials kept); restored, it is connected again', async () => {
    await connect('dd-revoked', us1);
    const ref = (await record('dd-revoked'))!.secretRef!;
    sim.revokeKey(F.us1.appKey);
    try {
      const s = await rt.request('GET', STATUS, { user: 'dd-revoked' });
      expect(s.body).toMatchObject({ connected: false, status: 'error', site: 'datadoghq.com' });
      expect(s.body.reason).toMatch(/rejected the application key/);
      expect(await deps().secrets.exists(ref)).toBe(true);
    } finally {
      sim.restoreKey(F.us1.appKey);
    }
    expect((await rt.request('GET', STATUS, { user: 'dd-revoked' })).body.connected).toBe(true);
  });

  it('a 5xx during status records the outage on the connection; the next good check clears it', async () => {
    await connect('dd-fault', us1);
    sim.fail({ status: 500 });
    const s = await rt.request('GET', STATUS, { user: 'dd-fault' });
    expect(s.body.status).toBe('error');
    expect(s.body.reason).toMatch(/unavailable/);
    sim.reset();
    expect((await rt.request('GET', STATUS, { user: 'dd-fault' })).body.status).toBe('connected');
  });

  it('scheduled re-validation flips on revocation and back on restoration', async () => {
    await connect('dd-cron', us1);
    sim.revokeKey(F.us1.apiKey);
    try {
      const run = await revalidateAll(deps(), { providers: ['datadog'] });
      expect(run.markedError).toBeGreaterThanOrEqual(1);
      expect((await record('dd-cron'))?.status).toBe('error');
      expect((await record('dd-cron'))?.statusReason).toMatch(/rejected the API key/);
    } finally {
      sim.restoreKey(F.us1.apiKey);
    }
    const back = await revalidateAll(deps(), { providers: ['datadog'] });
    expect(back.recovered).toBeGreaterThanOrEqual(1);
    expect((await record('dd-cron'))?.status).toBe('connected');
  });
});

describe('Datadog disconnect', () => {
  it('removes the keys, the webhook it created in Datadog, its signing secret and the records; another user keeps theirs', async () => {
    await connect('dd-bye', us1);
    await connect('dd-stay', us1);
    const created = await rt.request('POST', '/api/connectors/datadog/webhook', { user: 'dd-bye', body: {} });
    expect(created.status).toBe(200);
    const mine = sim.webhooks(F.us1.orgId).find((h) => h.url === created.body.url);
    expect(mine).toBeDefined();
    const reg = (await getRegistration(deps(), { userId: 'dd-bye', provider: 'datadog', accountId: F.us1.orgId }))!;
    const conn = (await record('dd-bye'))!;

    const d = await rt.request('DELETE', '/api/auth/datadog/disconnect', { user: 'dd-bye' });
    expect(d.status).toBe(200);
    expect(sim.webhooks(F.us1.orgId).find((h) => h.url === created.body.url)).toBeUndefined();
    expect(await getRegistration(deps(), { userId: 'dd-bye', provider: 'datadog', accountId: F.us1.orgId })).toBeNull();
    expect(await deps().secrets.exists(reg.secretRef)).toBe(false);
    expect(await deps().secrets.exists(conn.secretRef!)).toBe(false);
    expect(await record('dd-bye')).toBeNull();
    expect((await record('dd-stay'))?.status).toBe('connected');
  });
});
