import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { getConnection } from '../../lib/connections/repo.ts';
import { setRetryDelayScale } from '../../lib/provider-http.ts';
import { azureTokenForUser } from '../../lib/connectors/azure/adapter.ts';
import { AZURE_SIM, type AzureSimulator } from '../../lib/connectors/azure/simulator.ts';
import { findLeaks, startTestRuntime, withSettings, type TestRuntime } from '../helpers/runtime.ts';

let rt: TestRuntime;
const sim = () => rt.runtime.simulators.find((s) => s.name === 'azure') as AzureSimulator;
const SUBS = AZURE_SIM.subscriptions;
const creds = { tenant_id: AZURE_SIM.tenantId, client_id: AZURE_SIM.clientId, client_secret: AZURE_SIM.clientSecret };
const login = (user: string, body: Record<string, unknown>) => rt.request('POST', '/azure/login', { user, body });
const connections = async (user: string) => (await rt.request('GET', '/api/user_connections', { user })).body;

/** The tests about a held request: 400 ms per call, not a whole file on it (a loaded machine may be slower than that). */
const SHORT_TIMEOUT = { AZURE_HTTP_TIMEOUT_MS: '400' };

beforeAll(async () => {
  setRetryDelayScale(0.001);
  rt = await startTestRuntime({ simulate: true, env: { AZURE_HTTP_MAX_RETRIES: '1', AZURE_HTTP_RETRY_DELAY_MS: '5' } });
});
afterAll(async () => {
  const secrets = [AZURE_SIM.clientSecret, AZURE_SIM.noEnabled.clientSecret, 'not-the-secret-0000', 'attacker-secret', ...sim().control.issuedTokens()];
  expect(sim().control.issuedTokens().length).toBeGreaterThan(5);
  expect(findLeaks([...rt.responses, ...rt.logs], secrets)).toEqual([]);
  await rt.close();
  setRetryDelayScale(1);
});
beforeEach(() => sim().control.reset());

describe('POST /azure/login → connections → status → disconnect', () => {
  it('walks the whole lifecycle; the secret lives only in the secret store and is deleted on disconnect', async () => {
    const user = 'az-life';
    const r = await login(user, creds);
    expect(r.status).toBe(200);
    // the disabled subscription is listed first: the first *enabled* one is chosen
    expect(r.body).toEqual({ message: 'Successfully logged in to Azure', subscription_id: SUBS.production.subscriptionId, subscription_name: 'Azure Production' });
    // one token request, then ARM with paging (two per page, three subscriptions)
    expect(sim().control.requests).toEqual([`POST entra /${AZURE_SIM.tenantId}/oauth2/v2.0/token`, 'GET arm /subscriptions', 'GET arm /subscriptions']);

    expect(await connections(user)).toEqual([expect.objectContaining({ provider: 'azure', account_id: SUBS.production.subscriptionId, account_name: 'Azure Production', status: 'connected' })]);
    const conn = await getConnection(deps().db, { userId: user, provider: 'azure', accountId: SUBS.production.subscriptionId });
    expect(conn!.metadata).toMatchObject({ tenant_id: AZURE_SIM.tenantId, client_id: AZURE_SIM.clientId, subscription_id: SUBS.production.subscriptionId, subscription_name: 'Azure Production' });
    expect(JSON.stringify(conn)).not.toContain(AZURE_SIM.clientSecret);
    expect(conn!.secretRef).toBeTruthy();
    expect((await deps().secrets.get(conn!.secretRef!))!.reveal()).toEqual({ client_secret: AZURE_SIM.clientSecret });

    const status = await rt.request('GET', '/azure/status', { user });
    expect(status.status).toBe(200);
    expect(status.body).toEqual({ connected: true, provider: 'azure', status: 'connected', subscription_id: SUBS.production.subscriptionId, subscription_name: 'Azure Production' });

    const off = await rt.request('DELETE', '/api/auth/azure/disconnect', { user, body: {} });
    expect(off.body).toEqual({ status: 'disconnected', provider: 'azure', accounts: 1 });
    expect(await connections(user)).toEqual([]);
    expect(await deps().secrets.exists(conn!.secretRef!)).toBe(false);
    expect((await rt.request('GET', '/azure/status', { user })).body).toEqual({ connected: false, provider: 'azure', status: 'not_connected', reason: 'Azure is not connected' });
  });

  it('takes the subscription asked for (on the second page, camelCase body) and keeps several per user', async () => {
    const user = 'az-pick';
    const r = await login(user, { tenantId: AZURE_SIM.tenantId, clientId: AZURE_SIM.clientId, clientSecret: AZURE_SIM.clientSecret, subscriptionId: SUBS.development.subscriptionId });
    expect(r.status).toBe(200);
    expect(r.body.subscription_name).toBe('Azure Development');
    expect((await login(user, creds)).status).toBe(200);
    const list = await connections(user);
    expect(list.map((c: any) => [c.account_id, c.account_name]).sort()).toEqual(
      [
        [SUBS.development.subscriptionId, 'Azure Development'],
        [SUBS.production.subscriptionId, 'Azure Production'],
      ].sort(),
    );
    // most recent without a query, the named one with ?subscription_id=
    expect((await rt.request('GET', '/azure/status', { user })).body.subscription_id).toBe(SUBS.production.subscriptionId);
    expect((await rt.request('GET', `/azure/status?subscription_id=${SUBS.development.subscriptionId}`, { user })).body).toMatchObject({ connected: true, subscription_name: 'Azure Development' });
    expect((await rt.request('GET', `/azure/status?subscription_id=${SUBS.development.subscriptionId}`, { user: 'az-stranger' })).status).toBe(404);
  });

  it('also takes the tenant by domain and a subscription by display name', async () => {
    const r = await login('az-domain', { ...creds, tenant_id: AZURE_SIM.tenantDomain, subscription_name: 'Azure Development' });
    expect(r.status).toBe(200);
    expect(r.body.subscription_id).toBe(SUBS.development.subscriptionId);
  });
});

describe('POST /azure/login errors', () => {
  it.each([
    ['tenant_id', { tenant_id: undefined }],
    ['client_id', { client_id: undefined }],
    ['client_secret', { client_secret: undefined }],
    ['client_id', { client_id: 'not-a-guid' }],
    ['tenant_id', { tenant_id: 'has spaces' }],
    // the tenant is a path segment of the token URL
    ['tenant_id', { tenant_id: '../common' }],
    ['tenant_id', { tenant_id: 'contoso.onmicrosoft.com/oauth2/v2.0/token?' }],
    ['subscription_id', { subscription_id: 'sub-1' }],
  ])('400 naming %s', async (field, change) => {
    const r = await login('az-fields', { ...creds, ...change });
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe(field);
    expect(sim().control.requests).toEqual([]);
  });

  it('401 "Invalid Azure credentials" for a wrong secret (AADSTS7000215), nothing saved', async () => {
    const r = await login('az-badsecret', { ...creds, client_secret: 'not-the-secret-0000' });
    expect(r.status).toBe(401);
    expect(r.body.error).toMatchObject({ code: 'invalid_azure_credentials', message: 'Invalid Azure credentials' });
    expect(r.body.reason).toBe('AADSTS7000215: the client secret is invalid');
    expect(await connections('az-badsecret')).toEqual([]);
  });

  it('401 for an unknown tenant (AADSTS90002) and an unknown application (AADSTS700016)', async () => {
    const t = await login('az-unknown', { ...creds, tenant_id: AZURE_SIM.unknownTenantId });
    expect(t.status).toBe(401);
    expect(t.body.error.message).toBe('Invalid Azure credentials');
    expect(t.body.reason).toBe('AADSTS90002: the tenant was not found');
    const c = await login('az-unknown', { ...creds, client_id: '00000000-0000-4000-8000-000000000000' });
    expect(c.status).toBe(401);
    expect(c.body.reason).toMatch(/^AADSTS700016/);
  });

  it('400 naming subscription_id when it is disabled or not visible', async () => {
    const disabled = await login('az-sub', { ...creds, subscription_id: SUBS.disabled.subscriptionId });
    expect(disabled.status).toBe(400);
    expect(disabled.body.error).toMatchObject({ field: 'subscription_id', code: 'subscription_not_enabled' });
    expect(disabled.body.error.message).toMatch(/Disabled/);
    const unknown = await login('az-sub', { ...creds, subscription_id: '11111111-2222-4333-8444-555555555555' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ field: 'subscription_id', code: 'subscription_not_found' });
    expect(await connections('az-sub')).toEqual([]);
  });

  it('400 "No enabled subscription found" when the principal sees only disabled ones', async () => {
    const r = await login('az-none', { tenant_id: AZURE_SIM.tenantId, client_id: AZURE_SIM.noEnabled.clientId, client_secret: AZURE_SIM.noEnabled.clientSecret });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'no_enabled_subscription', message: 'No enabled subscription found' });
    expect(await connections('az-none')).toEqual([]);
  });

  it('503 (never 500) when Entra ID or ARM is down, nothing saved', async () => {
    sim().control.fault = { target: 'token', status: 503 };
    const t = await login('az-down', creds);
    expect(t.status).toBe(503);
    expect(t.body.error.message).toMatch(/Azure AD is unavailable \(HTTP 503\)/);
    sim().control.fault = { target: 'token', status: 429 };
    const throttled = await login('az-down', creds);
    expect(throttled.status).toBe(503);
    expect(throttled.body.error.message).toMatch(/Azure AD is unavailable \(HTTP 429\)/);
    sim().control.fault = { target: 'arm', status: 502 };
    const a = await login('az-down', creds);
    expect(a.status).toBe(503);
    expect(a.body.error.message).toMatch(/Azure Resource Manager is unavailable/);
    sim().control.fault = { target: 'token', timeout: true };
    const slow = await withSettings(SHORT_TIMEOUT, () => login('az-down', creds));
    expect(slow.status).toBe(503);
    expect(slow.body.error.message).toMatch(/did not answer in time/);
    expect(await connections('az-down')).toEqual([]);
  });

  it("403 when the body's userId is someone else (the reference let anyone overwrite another user's credentials)", async () => {
    await login('az-victim', creds);
    const r = await login('az-attacker', { ...creds, userId: 'az-victim', client_secret: 'attacker-secret' });
    expect(r.status).toBe(403);
    const conn = await getConnection(deps().db, { userId: 'az-victim', provider: 'azure', accountId: SUBS.production.subscriptionId });
    expect((await deps().secrets.get(conn!.secretRef!))!.reveal().client_secret).toBe(AZURE_SIM.clientSecret);
  });
});

describe('GET /azure/status: faults, refusals and recovery', () => {
  it.each([
    ['a token endpoint 5xx', { target: 'token' as const, status: 503 }, /Azure AD is unavailable \(HTTP 503\)/],
    ['an ARM 5xx', { target: 'arm' as const, status: 500 }, /Azure Resource Manager is unavailable/],
    ['a token endpoint timeout', { target: 'token' as const, timeout: true }, /Azure AD did not answer in time/],
    ['an ARM timeout', { target: 'arm' as const, timeout: true }, /Azure Resource Manager is unavailable \(timed out/],
  ])('%s marks the connection error with the reason, keeps the secret, and the next good check restores it', async (what, fault, reason) => {
    const user = `az-fault-${what.replace(/\W/g, '')}`;
    expect((await login(user, creds)).status).toBe(200);
    sim().control.fault = fault;
    // a held request: the short timeout for this check only ('timeout' in fault), the default for the rest
    const s = await ('timeout' in fault ? withSettings(SHORT_TIMEOUT, () => rt.request('GET', '/azure/status', { user })) : rt.request('GET', '/azure/status', { user }));
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ connected: false, provider: 'azure', subscription_id: SUBS.production.subscriptionId, status: 'error' });
    expect(s.body.reason).toMatch(reason);
    const [c] = await connections(user);
    expect(c.status).toBe('error');
    expect(c.status_reason).toMatch(reason);
    const rec = await getConnection(deps().db, { userId: user, provider: 'azure', accountId: SUBS.production.subscriptionId });
    expect(await deps().secrets.exists(rec!.secretRef!)).toBe(true);

    sim().control.fault = null;
    expect((await rt.request('GET', '/azure/status', { user })).body).toEqual({ connected: true, provider: 'azure', status: 'connected', subscription_id: SUBS.production.subscriptionId, subscription_name: 'Azure Production' });
    const [back] = await connections(user);
    expect(back.status).toBe('connected');
    expect(back.status_reason).toBeUndefined();
  });

  it('a secret rotated away or a subscription disabled since login marks it error (kept); fixing it recovers', async () => {
    const user = 'az-drift';
    await login(user, creds);
    sim().control.apps.get(AZURE_SIM.clientId)!.secret = 'rotated-secret';
    let s = await rt.request('GET', '/azure/status', { user });
    expect(s.body).toMatchObject({ connected: false, status: 'error' });
    expect(s.body.reason).toMatch(/AADSTS7000215/);
    sim().control.reset();
    sim().control.subscriptions.get(SUBS.production.subscriptionId)!.state = 'Disabled';
    s = await rt.request('GET', '/azure/status', { user });
    expect(s.body.reason).toBe(`Subscription Azure Production (${SUBS.production.subscriptionId}) is Disabled`);
    sim().control.reset();
    sim().control.subscriptions.get(SUBS.production.subscriptionId)!.displayName = 'Azure Production (renamed)';
    s = await rt.request('GET', '/azure/status', { user });
    expect(s.body).toMatchObject({ connected: true, subscription_name: 'Azure Production (renamed)' });
    expect((await connections(user))[0]).toMatchObject({ status: 'connected', account_name: 'Azure Production (renamed)' });
  });
});

describe('azureTokenForUser (for cloud_tool)', () => {
  it("mints an ARM token for the user's subscription, wrapped; refuses another user's", async () => {
    await login('az-token', creds);
    const t = await azureTokenForUser(deps(), 'az-token', SUBS.production.subscriptionId);
    expect(JSON.stringify(t)).toBe('"[redacted]"');
    expect(sim().control.issuedTokens()).toContain(t.reveal().token);
    expect(t.reveal().expiresOnTimestamp).toBeGreaterThan(Date.now());
    await expect(azureTokenForUser(deps(), 'az-other', SUBS.production.subscriptionId)).rejects.toMatchObject({ status: 404 });
  });
});
