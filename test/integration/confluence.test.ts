import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { getConnection } from '../../lib/connections/repo.ts';
import { setRetryDelayScale } from '../../lib/provider-http.ts';
import { revalidateAll } from '../../lib/connectors/revalidate.ts';
import { CONFLUENCE_FIXTURES as F, type ConfluenceSimulator } from '../../lib/connectors/confluence/simulator.ts';
import { findLeaks, startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

/**
 * Confluence over HTTP against its simulator: Cloud through Atlassian 3LO (single-use state bound
 * to the browser, the cloud id from accessible-resources, rotating refresh tokens written before
 * they are used), Data Center through a PAT and its base URL, status, re-validation, disconnect,
 * and the seed's error messages.
 */
let rt: TestRuntime;
let sim: ConfluenceSimulator;

const connect = (user: string, body: Record<string, unknown>) => rt.request('POST', '/confluence/connect', { user, body });
const record = (user: string, account: string) => getConnection(deps().db, { userId: user, provider: 'confluence', accountId: account });
const storedSecret = async (user: string, account: string) => (await deps().secrets.get((await record(user, account))!.secretRef!))?.reveal() as Record<string, string>;
const loginOf = (r: { headers: Headers }) => Object.fromEntries(new URL(r.headers.get('location')!).searchParams);
const pat = () => ({ authType: 'pat', baseUrl: sim.dcBaseUrl, patToken: F.pat });

/** connect {authType:"oauth"} → the simulated consent approves → the callback path in this browser */
async function consent(user: string) {
  const start = await connect(user, { authType: 'oauth' });
  expect(start.status, start.text).toBe(200);
  const c = await fetch(start.body.auth_url, { redirect: 'manual' });
  expect(c.status).toBe(302);
  const back = new URL(c.headers.get('location')!);
  return { start: start.body, path: `${back.pathname}${back.search}` };
}
async function cloudConnect(user: string) {
  const c = await consent(user);
  const r = await rt.request('GET', c.path, { user: null });
  expect(loginOf(r), r.text).toMatchObject({ login: 'confluence_success', site_url: F.site.url });
}

beforeAll(async () => {
  setRetryDelayScale(0.001);
  rt = await startTestRuntime({ simulate: true, env: { CONFLUENCE_HTTP_TIMEOUT_MS: '300' } });
  sim = rt.runtime.simulators.find((s) => s.name === 'confluence') as ConfluenceSimulator;
});
afterEach(() => sim.reset());
afterAll(async () => {
  expect(findLeaks([...rt.responses, ...rt.logs], sim.issuedSecrets())).toEqual([]);
  await rt.close();
  setRetryDelayScale(1);
});

describe('Confluence Cloud (Atlassian OAuth 2.0 3LO)', () => {
  it('connects with the seed scopes, finds the Confluence site in accessible-resources (its cloud id is the account), shows status, disconnects', async () => {
    const c = await consent('cf-walk');
    const u = new URL(c.start.auth_url);
    expect(Object.fromEntries(u.searchParams)).toMatchObject({ audience: 'api.atlassian.com', prompt: 'consent', response_type: 'code', client_id: F.client.clientId });
    expect(u.searchParams.get('scope')!.split(' ')).toEqual(['read:page:confluence', 'read:space:confluence', 'read:user:confluence', 'offline_access']);
    expect(u.searchParams.get('redirect_uri')).toMatch(/\/confluence\/callback$/);
    const r = await rt.request('GET', c.path, { user: null });
    expect(loginOf(r)).toMatchObject({ login: 'confluence_success', site_url: F.site.url });

    const conn = (await record('cf-walk', F.site.id))!;
    expect(conn.metadata).toEqual({ auth_type: 'oauth', cloud_id: F.site.id, site_url: F.site.url, site_name: F.site.name });
    expect(conn.accountName).toBe(`${F.site.name} (${F.cloudUser.displayName})`);
    expect(Object.keys(await storedSecret('cf-walk', F.site.id)).sort()).toEqual(['access_token', 'expires_at', 'refresh_token', 'scope']);
    expect(sim.requests).toContain(`GET /api/ex/confluence/${F.site.id}/wiki/rest/api/user/current`);

    const list = await rt.request('GET', '/api/user_connections', { user: 'cf-walk' });
    expect(list.body).toEqual([expect.objectContaining({ provider: 'confluence', account_id: F.site.id, status: 'connected' })]);
    const s = await rt.request('GET', '/confluence/status', { user: 'cf-walk' });
    expect(s.body).toEqual({ connected: true, provider: 'confluence', status: 'connected', auth_type: 'oauth', site_url: F.site.url });

    const d = await rt.request('POST', '/confluence/disconnect', { user: 'cf-walk' });
    expect(d.body).toEqual({ success: true, message: 'Confluence disconnected successfully' });
    expect(await record('cf-walk', F.site.id)).toBeNull();
    expect(await deps().secrets.exists(conn.secretRef!)).toBe(false);
    expect((await rt.request('GET', '/confluence/status', { user: 'cf-walk' })).body).toMatchObject({ connected: false, status: 'not_connected', reason: 'Confluence is not connected' });
  });

  it('the state is single-use and bound to the starting browser; a grant without a Confluence site stores nothing', async () => {
    const a = await consent('cf-bind');
    expect(loginOf(await rt.request('GET', a.path, { user: null, jar: null }))).toMatchObject({ login: 'confluence_failed', reason: 'session_mismatch' });
    const b = await consent('cf-bind');
    expect(loginOf(await rt.request('GET', b.path, { user: null })).login).toBe('confluence_success');
    expect(loginOf(await rt.request('GET', b.path, { user: null }))).toMatchObject({ login: 'confluence_failed', reason: 'invalid_state' });

    sim.setConfluenceSites(false);
    const c = await consent('cf-jira-only');
    expect(loginOf(await rt.request('GET', c.path, { user: null }))).toMatchObject({ login: 'confluence_failed', reason: 'no_confluence_site' });
    expect(await record('cf-jira-only', F.site.id)).toBeNull();
    expect(await record('cf-jira-only', F.jiraSite.id)).toBeNull();
  });

  it('each refresh rotates the refresh token and the new one is stored before the access token is used; the old one is dead', async () => {
    sim.setTokenLifetime(60); // inside the refresh skew: every use refreshes
    await cloudConnect('cf-rot');
    const first = await storedSecret('cf-rot', F.site.id);
    const before = sim.counts().refreshes;
    expect((await rt.request('GET', '/confluence/status', { user: 'cf-rot' })).body.status).toBe('connected');
    const second = await storedSecret('cf-rot', F.site.id);
    expect(sim.counts().refreshes).toBe(before + 1);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(sim.isLive(first.refresh_token)).toBe(false);
    expect(sim.isLive(second.refresh_token)).toBe(true);
    // the reconnect and the scheduled re-validation both keep the chain alive
    expect((await rt.request('POST', '/api/connectors/confluence/reconnect', { user: 'cf-rot', body: { account_id: F.site.id } })).status).toBe(200);
    const third = await storedSecret('cf-rot', F.site.id);
    expect(third.refresh_token).not.toBe(second.refresh_token);
    await revalidateAll(deps(), { providers: ['confluence'] });
    const fourth = await storedSecret('cf-rot', F.site.id);
    expect(fourth.refresh_token).not.toBe(third.refresh_token);
    expect(sim.isLive(fourth.refresh_token)).toBe(true);
    expect((await record('cf-rot', F.site.id))?.status).toBe('connected');
  });

  it('a grant revoked at Atlassian → "Confluence credentials expired" on status and re-validation; credentials kept until disconnect', async () => {
    sim.setTokenLifetime(60);
    await cloudConnect('cf-expired');
    sim.revokeGrants();
    const s = await rt.request('GET', '/confluence/status', { user: 'cf-expired' });
    expect(s.body).toMatchObject({ connected: false, status: 'error' });
    expect(s.body.reason).toBe('Confluence credentials expired. Reconnect via the Connectors page');
    expect(await storedSecret('cf-expired', F.site.id)).toHaveProperty('refresh_token');
    await revalidateAll(deps(), { providers: ['confluence'] });
    expect((await record('cf-expired', F.site.id))?.statusReason).toMatch(/^Confluence credentials expired/);
    // signing in again brings it back
    await cloudConnect('cf-expired');
    expect((await rt.request('GET', '/confluence/status', { user: 'cf-expired' })).body.connected).toBe(true);
  });
});

describe('Confluence Data Center (PAT + base URL)', () => {
  it('validates the PAT against the instance, keeps it in the secret store only, shows status, re-validation flips on revocation and back, disconnects', async () => {
    const c = await connect('cf-dc', pat());
    expect(c.status, c.text).toBe(200);
    expect(c.body).toEqual({ success: true, message: 'Confluence connected successfully', auth_type: 'pat', base_url: sim.dcBaseUrl, user: F.dcUser.username });
    const conn = (await record('cf-dc', sim.dcBaseUrl))!;
    expect(conn.metadata).toEqual({ auth_type: 'pat', base_url: sim.dcBaseUrl, username: F.dcUser.username });
    expect(JSON.stringify(conn)).not.toContain(F.pat);
    expect(await storedSecret('cf-dc', sim.dcBaseUrl)).toEqual({ pat_token: F.pat });
    expect((await rt.request('GET', '/confluence/status', { user: 'cf-dc' })).body).toEqual({ connected: true, provider: 'confluence', status: 'connected', auth_type: 'pat', site_url: sim.dcBaseUrl });

    sim.revokePat(F.pat);
    try {
      const run = await revalidateAll(deps(), { providers: ['confluence'] });
      expect(run.markedError).toBeGreaterThanOrEqual(1);
      const s = await rt.request('GET', '/confluence/status', { user: 'cf-dc' });
      expect(s.body).toMatchObject({ connected: false, status: 'error', reason: 'Confluence credentials expired. Reconnect via the Connectors page' });
    } finally {
      sim.restorePat(F.pat);
    }
    expect((await revalidateAll(deps(), { providers: ['confluence'] })).recovered).toBeGreaterThanOrEqual(1);
    expect((await record('cf-dc', sim.dcBaseUrl))?.status).toBe('connected');

    expect((await rt.request('DELETE', '/api/auth/confluence/disconnect', { user: 'cf-dc' })).status).toBe(200);
    expect(await record('cf-dc', sim.dcBaseUrl)).toBeNull();
    expect(await deps().secrets.exists(conn.secretRef!)).toBe(false);
  });

  it('a 5xx from the instance during status records the outage (not an expiry); the next good check clears it', async () => {
    await connect('cf-fault', pat());
    sim.fail({ status: 502, path: /^\/dc\// });
    const s = await rt.request('GET', '/confluence/status', { user: 'cf-fault' });
    expect(s.body.status).toBe('error');
    expect(s.body.reason).toMatch(/unavailable/);
    expect(s.body.reason).not.toMatch(/expired/);
    sim.reset();
    expect((await rt.request('GET', '/confluence/status', { user: 'cf-fault' })).body.status).toBe('connected');
  });

  it('a base URL typed with a trailing slash is the same instance', async () => {
    expect((await connect('cf-slash', { ...pat(), baseUrl: `${sim.dcBaseUrl}/` })).body.base_url).toBe(sim.dcBaseUrl);
  });

  it('bad input → 400 naming the field before any call; a refused PAT → 401 "Failed to validate Confluence PAT"; an unreachable or non-Confluence base → 400 naming base_url; nothing stored', async () => {
    const before = sim.requests.length;
    for (const [body, field] of [
      [{ authType: 'pat', patToken: F.pat }, 'base_url'],
      [{ authType: 'pat', baseUrl: sim.dcBaseUrl }, 'pat_token'],
      [{ ...pat(), baseUrl: 'not a url' }, 'base_url'],
      [{ ...pat(), baseUrl: 'ftp://confluence.example.com' }, 'base_url'],
      [{ ...pat(), baseUrl: `${sim.dcBaseUrl}?x=1` }, 'base_url'],
      [{ ...pat(), baseUrl: sim.dcBaseUrl.replace('http://', 'http://u:p@') }, 'base_url'],
      [{ ...pat(), patToken: 'short' }, 'pat_token'],
      [{ authType: 'basic' }, 'auth_type'],
      [{ authType: 'oauth', patToken: F.pat }, 'pat_token'],
      [{ ...pat(), extra: 1 }, 'extra'],
    ] as const) {
      const r = await connect('cf-bad', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.field, JSON.stringify(body)).toBe(field);
    }
    expect(sim.requests.length).toBe(before);

    const refused = await connect('cf-bad', { ...pat(), patToken: F.unknownPat });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ message: 'Failed to validate Confluence PAT', field: 'pat_token' });
    const notConfluence = await connect('cf-bad', { ...pat(), baseUrl: `${sim.url}/elsewhere` });
    expect(notConfluence.status).toBe(400);
    expect(notConfluence.body.error.field).toBe('base_url');
    const unreachable = await connect('cf-bad', { ...pat(), baseUrl: 'http://127.0.0.1:9' });
    expect(unreachable.status).toBe(400);
    expect(unreachable.body.error).toMatchObject({ code: 'confluence_unreachable', field: 'base_url' });
    expect(await record('cf-bad', sim.dcBaseUrl)).toBeNull();

    sim.fail({ status: 503, path: /^\/dc\// });
    const down = await connect('cf-bad', pat());
    expect(down.status).toBe(503);
    expect(await record('cf-bad', sim.dcBaseUrl)).toBeNull();
  });
});
