import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../lib/config.ts';
import { AWS_SIM } from '../../lib/connectors/aws/simulator.ts';
import { SCALEWAY_FIXTURES } from '../../lib/connectors/scaleway/simulator.ts';
import { TAILSCALE_FIXTURES } from '../../lib/connectors/tailscale/simulator.ts';
import { AZURE_SIM } from '../../lib/connectors/azure/simulator.ts';
import { CONNECTORS } from '../../lib/connectors/index.ts';
import { setRetryDelayScale } from '../../lib/provider-http.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

/** The catalogue the console builds its forms from, and the one status route of every connector. */
let rt: TestRuntime;

beforeAll(async () => {
  setRetryDelayScale(0.001);
  rt = await startTestRuntime({ simulate: true, env: { FEATURE_FLAG_SLACK_ENABLED: 'true' } });
});
afterAll(async () => {
  setRetryDelayScale(1);
  await rt.close();
});

async function withOvh<T>(on: boolean, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.FEATURE_FLAG_OVH_ENABLED;
  process.env.FEATURE_FLAG_OVH_ENABLED = String(on);
  resetConfig();
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.FEATURE_FLAG_OVH_ENABLED;
    else process.env.FEATURE_FLAG_OVH_ENABLED = saved;
    resetConfig();
  }
}

describe('GET /api/connectors', () => {
  it('lists every connector with its form, routes and account label; secret fields marked', async () => {
    expect((await rt.request('GET', '/api/connectors', { user: null })).status).toBe(401);
    const r = await rt.request('GET', '/api/connectors', { user: 'cat-user' });
    expect(r.status).toBe(200);
    const byId = Object.fromEntries(r.body.connectors.map((c: { id: string }) => [c.id, c]));
    expect(Object.keys(byId)).toEqual(CONNECTORS.map((c) => c.id));
    expect(byId.scaleway).toMatchObject({
      name: 'Scaleway',
      kind: 'cloud',
      auth_kind: 'api_key',
      enabled: true,
      connect: { method: 'POST', path: '/scaleway_api/scaleway/connect' },
      status_path: '/api/connectors/scaleway/status',
      disconnect_path: '/api/auth/scaleway/disconnect',
      reconnect_path: '/api/connectors/scaleway/reconnect',
      account_id_label: 'Organization ID',
    });
    const secrets = Object.fromEntries(r.body.connectors.map((c: { id: string; fields: Array<{ name: string; secret: boolean }> }) => [c.id, c.fields.filter((f) => f.secret).map((f) => f.name)]));
    // each connector's own suite checks its fields; here, that the catalogue marks them (one line per connector keeps merges apart)
    expect(secrets).toMatchObject({ kubernetes: [], gcp: [], aws: [], azure: ['client_secret'], scaleway: ['secret_key'], tailscale: ['client_secret'], ovh: [] });
    expect(secrets.datadog).toEqual(['api_key', 'app_key']);
    expect(byId.datadog).toMatchObject({ kind: 'tool', webhook: { delivery_path: '/datadog/webhook/{id}', setup_path: '/api/connectors/datadog/webhook', create_path: '/api/connectors/datadog/webhook' } });
    expect(byId.gcp).toMatchObject({ fields: [], oauth: { method: 'POST', path: '/gcp/login', url_field: 'login_url' } });
    expect(byId.gcp.connect).toBeUndefined();
    expect(byId.ovh).toMatchObject({ oauth: { method: 'POST', path: '/ovh_api/ovh/oauth2/initiate', url_field: 'authorizationUrl' }, fields: [{ name: 'endpoint', required: true, secret: false }] });
    expect(byId.aws.onboarding).toEqual({ method: 'GET', path: '/aws/onboarding' });
    // a pattern is what the browser checks before sending, and what the API checks on arrival
    const accessKey = byId.scaleway.fields.find((f: { name: string }) => f.name === 'access_key');
    expect(new RegExp(accessKey.pattern).test(SCALEWAY_FIXTURES.validKey.accessKey)).toBe(true);
    const bad = await rt.request('POST', '/scaleway_api/scaleway/connect', { user: 'cat-user', body: { access_key: 'scw-not-a-key', secret_key: SCALEWAY_FIXTURES.validKey.secretKey } });
    expect(new RegExp(accessKey.pattern).test('scw-not-a-key')).toBe(false);
    expect(bad.body.error.field).toBe('access_key');
  });

  it('a connector behind an off flag is listed disabled and its routes answer 404', async () => {
    await withOvh(false, async () => {
      const ovh = (await rt.request('GET', '/api/connectors', { user: 'cat-user' })).body.connectors.find((c: { id: string }) => c.id === 'ovh');
      expect(ovh.enabled).toBe(false);
      expect((await rt.request('GET', '/api/connectors/ovh/status', { user: 'cat-user' })).status).toBe(404);
      expect((await rt.request('POST', '/api/connectors/ovh/reconnect', { user: 'cat-user', body: { account_id: 'x' } })).status).toBe(404);
    });
    await withOvh(true, async () => {
      const ovh = (await rt.request('GET', '/api/connectors', { user: 'cat-user' })).body.connectors.find((c: { id: string }) => c.id === 'ovh');
      expect(ovh.enabled).toBe(true);
      expect((await rt.request('GET', '/api/connectors/ovh/status', { user: 'cat-user' })).body).toEqual({ connected: false, provider: 'ovh', status: 'not_connected', reason: 'OVHcloud is not connected', endpoint: null });
    });
  });
});

describe('GET /api/connectors/{id}/status', () => {
  it('is the same function as the seed’s per-connector path, in one shape for every connector', async () => {
    const user = 'st-user';
    expect((await rt.request('POST', '/scaleway_api/scaleway/connect', { user, body: { access_key: SCALEWAY_FIXTURES.validKey.accessKey, secret_key: SCALEWAY_FIXTURES.validKey.secretKey } })).status).toBe(200);
    expect((await rt.request('POST', '/tailscale_api/tailscale/connect', { user, body: { client_id: TAILSCALE_FIXTURES.client.clientId, client_secret: TAILSCALE_FIXTURES.client.clientSecret } })).status).toBe(200);
    expect((await rt.request('POST', '/azure/login', { user, body: { tenant_id: AZURE_SIM.tenantId, client_id: AZURE_SIM.clientId, client_secret: AZURE_SIM.clientSecret } })).status).toBe(200);
    for (const c of CONNECTORS.filter((x) => x.id !== 'ovh')) {
      const generic = await rt.request('GET', `/api/connectors/${c.id}/status`, { user });
      expect(generic.status, c.id).toBe(200);
      expect(Object.keys(generic.body).slice(0, 3), c.id).toEqual(['connected', 'provider', 'status']);
      expect(generic.body.provider).toBe(c.id);
      expect('reason' in generic.body, c.id).toBe(!generic.body.connected);
      for (const alias of c.legacy?.status ?? []) expect((await rt.request('GET', alias, { user })).body, alias).toEqual(generic.body);
    }
  });

  it('?account_id= names one connection: another user’s or an unknown one is 404, a malformed one 400', async () => {
    const user = 'st-acct';
    expect((await rt.request('POST', '/scaleway_api/scaleway/connect', { user, body: { access_key: SCALEWAY_FIXTURES.validKey.accessKey, secret_key: SCALEWAY_FIXTURES.validKey.secretKey } })).status).toBe(200);
    const org = SCALEWAY_FIXTURES.organizationId;
    expect((await rt.request('GET', `/api/connectors/scaleway/status?account_id=${org.toUpperCase()}`, { user })).body).toEqual({ connected: true, provider: 'scaleway', status: 'connected' });
    expect((await rt.request('GET', `/api/connectors/scaleway/status?account_id=${org}`, { user: 'st-other' })).status).toBe(404);
    const bad = await rt.request('GET', '/api/connectors/scaleway/status?account_id=acme', { user });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('account_id');
    expect((await rt.request('GET', '/api/connectors/nope/status', { user })).status).toBe(404);
  });
});

describe('AWS: the Denied-role message names our account', () => {
  it("gives Aurora's account id from our own identity in the trust-policy guidance", async () => {
    const user = 'aws-denied-acct';
    const ext = (await rt.request('GET', '/aws/onboarding', { user })).body.external_id;
    const r = await rt.request('POST', '/aws/auth', { user, body: { role_arn: 'arn:aws:iam::123456789012:role/DeniedRole', external_id: ext } });
    expect(r.status).toBe(401);
    expect(r.body.error.message).toContain(`arn:aws:iam::${AWS_SIM.serviceAccountId}:root`);
    expect(r.body.error.message).not.toContain('<Aurora account>');
  });
});
