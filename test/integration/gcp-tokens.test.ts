import { beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { getConnection, listConnections } from '../../lib/connections/repo.ts';
import { secret } from '../../lib/secret-value.ts';
import { secretPath } from '../../lib/secrets/port.ts';
import type { GoogleSimulator } from '../../lib/connectors/gcp/simulator.ts';
import { connectGcp } from '../../lib/connectors/gcp/simulator-flow.ts';
import { serviceAccountIds } from '../../lib/gcp-setup/ids.ts';
import { gcpTokenForUser } from '../../lib/connectors/gcp/service.ts';
import { userAccessToken } from '../../lib/connectors/gcp/tokens.ts';
import { loadCheck } from '../../lib/connectors/generated/load/check.ts';
import type { TestRuntime } from '../helpers/runtime.ts';
import { tableItems, useGcpRuntime } from '../helpers/gcp.ts';

let rt: TestRuntime;
let sim: GoogleSimulator;
const ACCOUNT = 'sim-user@example.com';
const REAUTH = 'No refresh token available. Please re-authenticate.';

const conn = (userId: string) => getConnection(deps().db, { userId, provider: 'gcp', accountId: ACCOUNT });
async function storedDoc(userId: string): Promise<Record<string, unknown>> {
  const c = await conn(userId);
  return (await deps().secrets.get(c!.secretRef!))!.reveal() as Record<string, unknown>;
}
/** Make the stored access token look about to expire, as it would an hour after the last refresh. */
async function ageStoredToken(userId: string) {
  const doc = await storedDoc(userId);
  await deps().secrets.put(secretPath(userId, 'gcp', ACCOUNT), secret({ ...doc, expiry_date: Date.now() - 1000 }));
}

async function connected(userId: string) {
  const r = await connectGcp(rt.url, userId);
  expect(r.final).toMatchObject({ state: 'SUCCESS' });
  sim.resetCounts();
}

const gcp = useGcpRuntime({ GCP_TOKEN_LEASE_MS: '3000' });
beforeAll(() => ({ rt, sim } = gcp));

describe('token refresh engine', () => {
  it('a fresh token is used as is: no refresh call', async () => {
    await connected('fresh-user');
    expect((await rt.request('GET', '/gcp/status', { user: 'fresh-user' })).body).toEqual({ connected: true, provider: 'gcp', status: 'connected', project_id: 'sim-alpha', has_billing: true });
    expect(sim.counts()['oauth.token.refresh_token'] ?? 0).toBe(0);
  });

  it('refreshes ahead of expiry and keeps the stored refresh token when Google omits it', async () => {
    await connected('refresh-user');
    const before = await storedDoc('refresh-user');
    await ageStoredToken('refresh-user');
    const r = await rt.request('GET', '/gcp/status', { user: 'refresh-user' });
    expect(r.body.connected).toBe(true);
    const after = await storedDoc('refresh-user');
    expect(after.access_token).not.toBe(before.access_token);
    expect(after.refresh_token).toBe(before.refresh_token);
    expect(after.expiry_date as number).toBeGreaterThan(Date.now() + 30 * 60 * 1000);
    expect((await conn('refresh-user'))!.secretRef).toBe((await conn('refresh-user'))!.secretRef);
    expect(sim.counts()['oauth.token.refresh_token']).toBe(1);
  });

  it('takes a rotated refresh token when Google sends one', async () => {
    await connected('rotate-user');
    const before = await storedDoc('rotate-user');
    sim.configure({ rotateRefreshTokens: true });
    await ageStoredToken('rotate-user');
    expect((await rt.request('GET', '/gcp/status', { user: 'rotate-user' })).body.connected).toBe(true);
    expect((await storedDoc('rotate-user')).refresh_token).not.toBe(before.refresh_token);
  });

  it('concurrent functions refresh once (DynamoDB lease); the others reuse the stored result', async () => {
    await connected('lease-user');
    await ageStoredToken('lease-user');
    const c = (await conn('lease-user'))!;
    sim.configure({ latencyMs: 40 });
    const tokens = await Promise.all(Array.from({ length: 6 }, () => userAccessToken(deps(), c)));
    expect(sim.counts()['oauth.token.refresh_token']).toBe(1);
    expect(new Set(tokens.map((t) => t.reveal())).size).toBe(1);
    expect(tokens[0].reveal()).toBe((await storedDoc('lease-user')).access_token);
    // and over HTTP, several status checks at once still refresh once
    await ageStoredToken('lease-user');
    sim.resetCounts();
    const answers = await Promise.all(Array.from({ length: 4 }, () => rt.request('GET', '/gcp/status', { user: 'lease-user' })));
    expect(answers.map((a) => a.body.connected)).toEqual([true, true, true, true]);
    expect(sim.counts()['oauth.token.refresh_token']).toBe(1);
    expect((await tableItems()).filter((i) => i.kind === 'gcp_token_lease')).toEqual([]);
  });

  it('a revoked refresh token → connection error "No refresh token available. Please re-authenticate."; credentials kept', async () => {
    await connected('revoked-user');
    sim.revokeAll();
    await ageStoredToken('revoked-user');
    const r = await rt.request('GET', '/gcp/status', { user: 'revoked-user' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ connected: false, provider: 'gcp', status: 'error', reason: REAUTH, project_id: null });
    const list = await rt.request('GET', '/api/user_connections', { user: 'revoked-user' });
    expect(list.body).toEqual([expect.objectContaining({ provider: 'gcp', status: 'error', status_reason: REAUTH })]);
    // a status check never deletes credentials (the reference did, on one 401)
    expect(await deps().secrets.exists((await conn('revoked-user'))!.secretRef!)).toBe(true);
    const projects = await rt.request('GET', '/api/gcp/projects', { user: 'revoked-user' });
    expect(projects.status).toBe(401);
  });

  it('invalid_rapt (re-authentication required) is treated the same', async () => {
    await connected('rapt-user');
    sim.configure({ requireReauth: true });
    await ageStoredToken('rapt-user');
    expect((await rt.request('GET', '/gcp/status', { user: 'rapt-user' })).body.connected).toBe(false);
    expect((await conn('rapt-user'))!.statusReason).toBe(REAUTH);
  });

  it('5xx from the token endpoint is retried with backoff; if it persists: 503, state unchanged', async () => {
    await connected('flaky-token-user');
    await ageStoredToken('flaky-token-user');
    sim.fail({ path: /\/token$/, status: 503, times: 2 });
    expect((await rt.request('GET', '/gcp/status', { user: 'flaky-token-user' })).body.connected).toBe(true);
    await ageStoredToken('flaky-token-user');
    const before = await storedDoc('flaky-token-user');
    const version = (await conn('flaky-token-user'))!.version;
    sim.fail({ path: /\/token$/, status: 500, times: 50 });
    const r = await rt.request('GET', '/gcp/status', { user: 'flaky-token-user' });
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('provider_unavailable');
    const after = await conn('flaky-token-user');
    expect(after!.status).toBe('connected');
    expect(after!.version).toBe(version);
    expect(await storedDoc('flaky-token-user')).toEqual(before);
  });

  it('scheduled re-validation refreshes through the provider hook without recording anything itself', async () => {
    await connected('reval-user');
    const check = await loadCheck('gcp');
    expect(await check!(deps(), (await conn('reval-user'))!, { purpose: 'revalidate' })).toEqual({ ok: true });
    sim.revokeAll();
    expect(await check!(deps(), (await conn('reval-user'))!, { purpose: 'revalidate' })).toMatchObject({ ok: false, kind: 'auth' });
    expect((await conn('reval-user'))!.status).toBe('connected');
  });
});

describe('GCP routes', () => {
  it('GET /gcp/status without a connection → connected:false', async () => {
    expect((await rt.request('GET', '/gcp/status', { user: 'nobody' })).body).toEqual({ connected: false, provider: 'gcp', status: 'not_connected', reason: 'GCP is not connected', project_id: null });
  });

  it('GET /api/gcp/projects lists every project with billing and the root', async () => {
    await connected('projects-user');
    const r = await rt.request('GET', '/api/gcp/projects', { user: 'projects-user' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      root_project: 'sim-alpha',
      projects: [
        { project_id: 'sim-alpha', name: 'Alpha', billing_enabled: true, is_root: true },
        { project_id: 'sim-beta', name: 'Beta', billing_enabled: true, is_root: false },
        { project_id: 'sim-gamma', name: 'Gamma (no billing)', billing_enabled: false, is_root: false },
      ],
    });
    const none = await rt.request('GET', '/api/gcp/projects', { user: 'projects-nobody' });
    expect(none.status).toBe(401);
    expect(none.body.error.message).toBe('No GCP credentials found. Please authenticate with GCP.');
  });

  it('GET/POST /api/gcp/root-project: a billed project of the user only; the next setup uses it', async () => {
    await connected('rootpick-user');
    expect((await rt.request('GET', '/api/gcp/root-project', { user: 'rootpick-user' })).body).toEqual({ root_project: 'sim-alpha' });
    const unbilled = await rt.request('POST', '/api/gcp/root-project', { user: 'rootpick-user', body: { project_id: 'sim-gamma' } });
    expect(unbilled.status).toBe(400);
    expect(unbilled.body.error.field).toBe('project_id');
    expect((await rt.request('POST', '/api/gcp/root-project', { user: 'rootpick-user', body: { project_id: 'not-my-project' } })).status).toBe(400);
    expect((await rt.request('POST', '/api/gcp/root-project', { user: 'rootpick-user', body: { project_id: 'X' } })).status).toBe(400);
    const ok = await rt.request('POST', '/api/gcp/root-project', { user: 'rootpick-user', body: { projectId: 'sim-beta' } });
    expect(ok.body).toEqual({ root_project: 'sim-beta' });
    expect((await rt.request('GET', '/api/gcp/root-project', { user: 'rootpick-user' })).body).toEqual({ root_project: 'sim-beta' });
    expect((await rt.request('POST', '/api/gcp/root-project', { user: 'rootpick-nobody', body: { project_id: 'sim-beta' } })).status).toBe(401);
    const again = await connectGcp(rt.url, 'rootpick-user');
    expect(again.final).toMatchObject({ state: 'SUCCESS' });
    expect(sim.serviceAccount(`${serviceAccountIds('rootpick-user').full}@sim-beta.iam.gserviceaccount.com`)).toBeDefined();
  });

  it('POST /api/gcp/force-disconnect: token revoked at Google, secret, record and leases gone', async () => {
    await connected('bye-user');
    const c = (await conn('bye-user'))!;
    const doc = await storedDoc('bye-user');
    const r = await rt.request('POST', '/api/gcp/force-disconnect', { user: 'bye-user' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ success: true, message: 'GCP disconnected successfully' });
    expect(sim.counts()['oauth.revoke']).toBe(1);
    expect(await deps().secrets.exists(c.secretRef!)).toBe(false);
    expect(await listConnections(deps().db, 'bye-user')).toEqual([]);
    expect((await tableItems()).filter((i) => i.pk === 'USER#bye-user' && /^(GCPLEASE#|SETTING#gcp-eligible)/.test(String(i.sk)))).toEqual([]);
    expect((await rt.request('GET', '/gcp/status', { user: 'bye-user' })).body).toEqual({ connected: false, provider: 'gcp', status: 'not_connected', reason: 'GCP is not connected', project_id: null });
    // Google no longer honours the refresh token
    const res = await fetch(sim.env.GOOGLE_OAUTH_TOKEN_URL, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: String(doc.refresh_token), client_id: sim.env.CLIENT_ID, client_secret: sim.env.CLIENT_SECRET }) });
    expect(res.status).toBe(400);
  });

  it('force-disconnect still removes our copy when Google cannot revoke', async () => {
    await connected('bye-down-user');
    const c = (await conn('bye-down-user'))!;
    sim.fail({ path: /\/revoke$/, status: 503, times: 10 });
    expect((await rt.request('POST', '/api/gcp/force-disconnect', { user: 'bye-down-user' })).status).toBe(200);
    expect(await deps().secrets.exists(c.secretRef!)).toBe(false);
    expect(await listConnections(deps().db, 'bye-down-user')).toEqual([]);
  });
});

describe('gcpTokenForUser', () => {
  it('mints a short-lived token of the read-only or the full account, never the user token', async () => {
    await connected('cli-user');
    const ids = serviceAccountIds('cli-user');
    const ro = await gcpTokenForUser(deps(), 'cli-user', { readOnly: true });
    expect(ro.serviceAccount).toBe(`${ids.readOnly}@sim-alpha.iam.gserviceaccount.com`);
    expect(String(ro.accessToken)).toBe('[redacted]');
    expect(ro.accessToken.reveal()).toMatch(/^ya29\.c\.SimSa/);
    const doc = await storedDoc('cli-user');
    expect(ro.accessToken.reveal()).not.toBe(doc.access_token);
    const full = await gcpTokenForUser(deps(), 'cli-user', { readOnly: false });
    expect(full.serviceAccount).toBe(`${ids.full}@sim-alpha.iam.gserviceaccount.com`);
    // the minted read-only token acts as the read-only account at Google
    const test = await fetch(`${sim.env.GCP_CRM_ROOT_URL}/v3/projects/sim-beta:testIamPermissions`, { method: 'POST', headers: { authorization: `Bearer ${ro.accessToken.reveal()}`, 'content-type': 'application/json' }, body: JSON.stringify({ permissions: ['resourcemanager.projects.get', 'compute.instances.create'] }) });
    expect(await test.json()).toEqual({ permissions: ['resourcemanager.projects.get'] });
    await expect(gcpTokenForUser(deps(), 'cli-nobody', { readOnly: true })).rejects.toMatchObject({ status: 401 });
  });
});
