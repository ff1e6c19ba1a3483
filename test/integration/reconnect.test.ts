import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { getConnection } from '../../lib/connections/repo.ts';
import { setRetryDelayScale } from '../../lib/provider-http.ts';
import { SCALEWAY_FIXTURES as F, type ScalewaySimulator } from '../../lib/connectors/scaleway/simulator.ts';
import { isGoogleSimulator, type GoogleSimulator } from '../../lib/connectors/gcp/simulator.ts';
import { connectGcp } from '../../lib/connectors/gcp/simulator-flow.ts';
import { abortLocalExecutions } from '../../lib/gcp-setup/local-runner.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

/**
 * Soft disconnect, then reconnect with the kept credentials, over HTTP against the simulated
 * providers: DELETE /api/user_connections marks a connection not_connected and keeps its secret;
 * POST /api/connectors/{id}/reconnect re-validates that secret and brings it back without asking
 * for it again (an OAuth connector refreshes its stored token), or says why it cannot.
 */
let rt: TestRuntime;
let scw: ScalewaySimulator;
let google: GoogleSimulator;
const GOOGLE_ACCOUNT = 'sim-user@example.com';

const list = async (user: string) => (await rt.request('GET', '/api/user_connections', { user })).body as Array<Record<string, unknown>>;
const markNotConnected = (user: string, provider: string, account_id: string) => rt.request('DELETE', '/api/user_connections', { user, body: { provider, account_id } });
const reconnect = (user: string, id: string, account_id: string) => rt.request('POST', `/api/connectors/${id}/reconnect`, { user, body: { account_id } });

beforeAll(async () => {
  setRetryDelayScale(0.001);
  rt = await startTestRuntime({ simulate: true, env: { SCALEWAY_HTTP_TIMEOUT_MS: '250', GCP_LOCAL_WAIT_MS: '5', GCP_LOCAL_RETRY_MS: '5', GCP_ENABLE_POLL_INTERVAL_MS: '10' } });
  scw = rt.runtime.simulators.find((s) => s.name === 'scaleway') as ScalewaySimulator;
  google = rt.runtime.simulators.find(isGoogleSimulator)!;
}, 60000);

afterAll(async () => {
  await abortLocalExecutions();
  setRetryDelayScale(1);
  await rt.close();
});

describe('reconnect a key-based connector (Scaleway)', () => {
  const user = 'rc-scw';
  const org = F.organizationId;

  it('soft disconnect keeps the key; reconnect validates it and returns the connection to connected', async () => {
    const c = await rt.request('POST', '/scaleway_api/scaleway/connect', { user, body: { access_key: F.validKey.accessKey, secret_key: F.validKey.secretKey } });
    expect(c.status).toBe(200);
    const ref = (await getConnection(deps().db, { userId: user, provider: 'scaleway', accountId: org }))!.secretRef;

    expect((await markNotConnected(user, 'scaleway', org)).status).toBe(200);
    expect((await rt.request('GET', '/api/connectors/scaleway/status', { user })).body).toEqual({ connected: false, provider: 'scaleway', status: 'not_connected', reason: 'Scaleway is not connected' });
    expect((await rt.request('GET', `/api/connectors/scaleway/status?account_id=${org}`, { user })).body).toMatchObject({ connected: false, status: 'not_connected' });
    expect((await rt.request('GET', '/api/user/connected-providers', { user })).body.providers).toEqual([]);

    const r = await reconnect(user, 'scaleway', org);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ provider: 'scaleway', account_id: org, status: 'connected' });
    expect(r.body.status_reason).toBeUndefined();
    expect(await list(user)).toEqual([expect.objectContaining({ provider: 'scaleway', account_id: org, status: 'connected' })]);
    expect((await rt.request('GET', '/api/connectors/scaleway/status', { user })).body).toEqual({ connected: true, provider: 'scaleway', status: 'connected' });
    expect((await rt.request('GET', '/api/user/connected-providers', { user })).body.providers).toEqual(['scaleway']);
    // the same secret, never asked for again
    const after = await getConnection(deps().db, { userId: user, provider: 'scaleway', accountId: org });
    expect(after!.secretRef).toBe(ref);
    expect(await deps().secrets.exists(ref!)).toBe(true);
  });

  it('a key revoked meanwhile: reconnect answers the connection in error with the reason, key kept', async () => {
    expect((await markNotConnected(user, 'scaleway', org)).status).toBe(200);
    scw.revokeKey(F.validKey.accessKey);
    try {
      const r = await reconnect(user, 'scaleway', org);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ account_id: org, status: 'error' });
      expect(r.body.status_reason).toMatch(/rejected the stored API key/);
      expect((await list(user))[0]).toMatchObject({ status: 'error', status_reason: r.body.status_reason });
    } finally {
      scw.restoreKey(F.validKey.accessKey);
    }
    expect((await reconnect(user, 'scaleway', org)).body.status).toBe('connected');
  });

  it('Scaleway down: 503, and the connection stays as it was', async () => {
    expect((await markNotConnected(user, 'scaleway', org)).status).toBe(200);
    const before = await getConnection(deps().db, { userId: user, provider: 'scaleway', accountId: org });
    scw.fail({ status: 500 });
    try {
      const r = await reconnect(user, 'scaleway', org);
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe('provider_unavailable');
    } finally {
      scw.reset();
    }
    expect(await getConnection(deps().db, { userId: user, provider: 'scaleway', accountId: org })).toEqual(before);
  });

  it('names the account: unknown or another user’s → 404, missing → 400', async () => {
    expect((await reconnect('rc-stranger', 'scaleway', org)).status).toBe(404);
    expect((await reconnect(user, 'scaleway', '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const missing = await rt.request('POST', '/api/connectors/scaleway/reconnect', { user, body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.error.field).toBe('account_id');
    expect((await rt.request('POST', '/api/connectors/nope/reconnect', { user, body: { account_id: org } })).status).toBe(404);
  });
});

describe('reconnect an OAuth connector (GCP)', () => {
  const user = 'rc-gcp';

  it('soft disconnect keeps the tokens; reconnect refreshes the stored token and returns it to connected', async () => {
    expect((await connectGcp(rt.url, user)).final).toMatchObject({ state: 'SUCCESS' });
    expect((await markNotConnected(user, 'gcp', GOOGLE_ACCOUNT)).status).toBe(200);
    expect((await rt.request('GET', '/gcp/status', { user })).body).toMatchObject({ connected: false, status: 'not_connected' });
    google.resetCounts();

    const r = await reconnect(user, 'gcp', GOOGLE_ACCOUNT);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ provider: 'gcp', account_id: GOOGLE_ACCOUNT, status: 'connected' });
    expect(google.counts()['oauth.token.refresh_token']).toBe(1);
    expect((await rt.request('GET', '/api/connectors/gcp/status', { user })).body).toEqual({ connected: true, provider: 'gcp', status: 'connected', project_id: 'sim-alpha', has_billing: true });
  });

  it('a refresh token revoked at Google: the connection is in error with the reason to log in again', async () => {
    expect((await markNotConnected(user, 'gcp', GOOGLE_ACCOUNT)).status).toBe(200);
    google.revokeAll();
    const r = await reconnect(user, 'gcp', GOOGLE_ACCOUNT);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'error', status_reason: 'No refresh token available. Please re-authenticate.' });
    expect((await rt.request('GET', '/gcp/status', { user })).body).toMatchObject({ connected: false, status: 'error', reason: 'No refresh token available. Please re-authenticate.' });
  });
});
