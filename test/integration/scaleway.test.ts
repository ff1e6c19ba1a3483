import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { getConnection } from '../../lib/connections/repo.ts';
import { setRetryDelayScale } from '../../lib/provider-http.ts';
import { revalidateAll } from '../../lib/connectors/revalidate.ts';
import { SCALEWAY_FIXTURES as F, type ScalewaySimulator } from '../../lib/connectors/scaleway/simulator.ts';
import { findLeaks, startTestRuntime, withSettings, type TestRuntime } from '../helpers/runtime.ts';

const SECRETS = [F.validKey.secretKey, F.appKey.secretKey, F.forbiddenKey.secretKey, F.unknownSecret];
const CONNECT = '/scaleway_api/scaleway/connect';
const STATUS = '/scaleway_api/scaleway/status';
const PROJECTS = '/scaleway_api/scaleway/projects';
const DISCONNECT = '/scaleway_api/scaleway/disconnect';

let rt: TestRuntime;
let sim: ScalewaySimulator;

const connect = (user: string, body: Record<string, unknown>) => rt.request('POST', CONNECT, { user, body });
const valid = { access_key: F.validKey.accessKey, secret_key: F.validKey.secretKey };
const record = (user: string) => getConnection(deps().db, { userId: user, provider: 'scaleway', accountId: F.organizationId });

beforeAll(async () => {
  setRetryDelayScale(0.001);
  rt = await startTestRuntime({ simulate: true, env: {} });
  sim = rt.runtime.simulators.find((s) => s.name === 'scaleway') as ScalewaySimulator;
});
afterEach(() => sim.reset());
afterAll(async () => {
  expect(findLeaks([...rt.responses, ...rt.logs], SECRETS)).toEqual([]);
  await rt.close();
  setRetryDelayScale(1);
});

describe('Scaleway connect → list → status → projects → disconnect', () => {
  it('walks the whole flow and removes the secret at the end', async () => {
    const c = await connect('scw-walk', valid);
    expect(c.status).toBe(200);
    expect(c.body).toEqual({ success: true, message: 'Scaleway connected successfully', organization_id: F.organizationId, projects_count: 2 });

    const list = await rt.request('GET', '/api/user_connections', { user: 'scw-walk' });
    expect(list.body).toHaveLength(1);
    expect(list.body[0]).toMatchObject({ provider: 'scaleway', account_id: F.organizationId, account_name: 'default', status: 'connected' });

    const conn = await record('scw-walk');
    expect(conn?.metadata).toEqual({ access_key: F.validKey.accessKey, organization_id: F.organizationId, default_project_id: F.projects[0].id });
    expect(JSON.stringify(conn)).not.toContain(F.validKey.secretKey);
    expect((await deps().secrets.get(conn!.secretRef!))?.reveal()).toEqual({ secret_key: F.validKey.secretKey });

    expect((await rt.request('GET', STATUS, { user: 'scw-walk' })).body).toEqual({ connected: true, provider: 'scaleway', status: 'connected' });

    const projects = await rt.request('GET', PROJECTS, { user: 'scw-walk' });
    expect(projects.status).toBe(200);
    expect(projects.body.projects).toEqual([
      { project_id: F.projects[0].id, name: 'default', organization_id: F.organizationId, is_default: true },
      { project_id: F.projects[1].id, name: 'production', organization_id: F.organizationId, is_default: false },
    ]);

    const d = await rt.request('POST', DISCONNECT, { user: 'scw-walk' });
    expect(d.status).toBe(200);
    expect(d.body).toEqual({ success: true, message: 'Scaleway disconnected successfully' });
    expect((await rt.request('GET', '/api/user_connections', { user: 'scw-walk' })).body).toEqual([]);
    expect(await deps().secrets.exists(conn!.secretRef!)).toBe(false);
    expect((await rt.request('GET', STATUS, { user: 'scw-walk' })).body).toEqual({ connected: false, provider: 'scaleway', status: 'not_connected', reason: 'Scaleway is not connected' });
  });

  it('accepts camelCase fields, detects an application key\'s organisation, and honours its default project', async () => {
    const c = await connect('scw-app', { accessKey: F.appKey.accessKey, secretKey: F.appKey.secretKey });
    expect(c.status).toBe(200);
    expect(c.body.organization_id).toBe(F.organizationId);
    const conn = await record('scw-app');
    expect(conn?.accountName).toBe('production');
    expect(conn?.metadata.default_project_id).toBe(F.projects[1].id);
  });

  it('uses a given project_id and organization_id when they belong to the key', async () => {
    const c = await connect('scw-given', { ...valid, organization_id: F.organizationId, project_id: F.projects[1].id });
    expect(c.status).toBe(200);
    expect((await record('scw-given'))?.metadata.default_project_id).toBe(F.projects[1].id);
    const projects = await rt.request('GET', PROJECTS, { user: 'scw-given' });
    expect(projects.body.projects.filter((p: any) => p.is_default).map((p: any) => p.name)).toEqual(['production']);
  });
});

describe('Scaleway connect errors', () => {
  it('checks the key formats before calling Scaleway, naming the field', async () => {
    const before = sim.requests.length;
    const badAccess = await connect('scw-err', { access_key: 'AKIA0000000000000000', secret_key: F.validKey.secretKey });
    expect(badAccess.status).toBe(400);
    expect(badAccess.body.error.field).toBe('access_key');
    expect(badAccess.body.error.message).toMatch(/access_key/);
    for (const ak of ['SCW123', 'scwsimvalid0000000001', 'SCWSIMVALID00000000000000', 'SCWSIMvalid0000000001']) {
      expect((await connect('scw-err', { access_key: ak, secret_key: F.validKey.secretKey })).body.error.field, ak).toBe('access_key');
    }
    const badSecret = await connect('scw-err', { access_key: F.validKey.accessKey, secret_key: 'not-a-uuid' });
    expect(badSecret.status).toBe(400);
    expect(badSecret.body.error.field).toBe('secret_key');
    expect(badSecret.text).not.toContain('not-a-uuid');
    const missing = await connect('scw-err', { access_key: F.validKey.accessKey });
    expect(missing.status).toBe(400);
    expect(missing.body.error.field).toBe('secret_key');
    expect(sim.requests.length).toBe(before);
  });

  it('a wrong secret key → 401 with the documented message; nothing stored', async () => {
    const r = await connect('scw-wrong', { access_key: F.validKey.accessKey, secret_key: F.unknownSecret });
    expect(r.status).toBe(401);
    expect(r.body.error.message).toBe('Invalid credentials. Please check your access key and secret key.');
    expect(r.body.message).toBe(r.body.error.message);
    // the secret key authenticates every call (X-Auth-Token), so the refusal names it
    expect(r.body.error.field).toBe('secret_key');
    expect(await record('scw-wrong')).toBeNull();
  });

  it('an unknown access key with a valid secret → 401', async () => {
    const r = await connect('scw-wrong', { access_key: 'SCWNOSUCHKEY000000000', secret_key: F.validKey.secretKey });
    expect(r.status).toBe(401);
    expect(r.body.error.field).toBe('access_key');
  });

  it('a key without permissions → 403 with the documented message', async () => {
    const r = await connect('scw-forbidden', { access_key: F.forbiddenKey.accessKey, secret_key: F.forbiddenKey.secretKey });
    expect(r.status).toBe(403);
    expect(r.body.error.message).toBe('Access denied. Please check your API key permissions.');
    expect(await getConnection(deps().db, { userId: 'scw-forbidden', provider: 'scaleway', accountId: F.organizationId })).toBeNull();
  });

  it('a project of another organisation → 400 naming project_id; a foreign organisation → 400 naming organization_id', async () => {
    const p = await connect('scw-proj', { ...valid, project_id: '99999999-9999-4999-8999-999999999999' });
    expect(p.status).toBe(400);
    expect(p.body.error.field).toBe('project_id');
    const o = await connect('scw-proj', { ...valid, organization_id: F.otherOrganizationId });
    expect(o.status).toBe(400);
    expect(o.body.error.field).toBe('organization_id');
    expect(await record('scw-proj')).toBeNull();
  });

  it('Scaleway down during connect → 503 after retries, nothing stored', async () => {
    sim.fail({ status: 503 });
    const r = await connect('scw-down', valid);
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('provider_unavailable');
    expect(await record('scw-down')).toBeNull();
  });

  it('a retryable blip is retried and the connect succeeds', async () => {
    sim.fail({ status: 502, times: 1 });
    expect((await connect('scw-blip', valid)).status).toBe(200);
  });
});

describe('Scaleway status and projects', () => {
  it('not connected: status says so, projects answers 401 with action CONNECT_REQUIRED', async () => {
    expect((await rt.request('GET', STATUS, { user: 'scw-none' })).body).toEqual({ connected: false, provider: 'scaleway', status: 'not_connected', reason: 'Scaleway is not connected' });
    const p = await rt.request('GET', PROJECTS, { user: 'scw-none' });
    expect(p.status).toBe(401);
    expect(p.body.action).toBe('CONNECT_REQUIRED');
  });

  it('a 5xx marks the connection error with the reason and keeps the key; the next good check reconnects', async () => {
    await connect('scw-fault', valid);
    const ref = (await record('scw-fault'))!.secretRef!;
    sim.fail({ status: 500 });
    const bad = await rt.request('GET', STATUS, { user: 'scw-fault' });
    expect(bad.status).toBe(200);
    expect(bad.body).toMatchObject({ connected: false, provider: 'scaleway', status: 'error' });
    expect(bad.body.reason).toMatch(/unavailable.*HTTP 500/);
    const list = await rt.request('GET', '/api/user_connections', { user: 'scw-fault' });
    expect(list.body[0]).toMatchObject({ status: 'error', status_reason: bad.body.reason });
    expect(await deps().secrets.exists(ref)).toBe(true);
    sim.reset();
    expect((await rt.request('GET', STATUS, { user: 'scw-fault' })).body).toEqual({ connected: true, provider: 'scaleway', status: 'connected' });
    expect((await rt.request('GET', '/api/user_connections', { user: 'scw-fault' })).body[0].status).toBe('connected');
  });

  it('a timeout marks the connection error; recovery follows', async () => {
    await connect('scw-slow', valid);
    sim.fail({ delayMs: 1000 });
    const bad = await withSettings({ SCALEWAY_HTTP_TIMEOUT_MS: '250' }, () => rt.request('GET', STATUS, { user: 'scw-slow' }));
    expect(bad.body.status).toBe('error');
    expect(bad.body.reason).toMatch(/timed out/);
    sim.reset();
    expect((await rt.request('GET', STATUS, { user: 'scw-slow' })).body.connected).toBe(true);
  });

  it('a key revoked at Scaleway sets error (not deleted); projects then asks to reconnect', async () => {
    await connect('scw-revoked', valid);
    const ref = (await record('scw-revoked'))!.secretRef!;
    sim.revokeKey(F.validKey.accessKey);
    try {
      const s = await rt.request('GET', STATUS, { user: 'scw-revoked' });
      expect(s.body).toMatchObject({ connected: false, status: 'error' });
      expect(s.body.reason).toMatch(/rejected/);
      expect((await record('scw-revoked'))?.status).toBe('error');
      expect(await deps().secrets.exists(ref)).toBe(true);
      const p = await rt.request('GET', PROJECTS, { user: 'scw-revoked' });
      expect(p.status).toBe(401);
      expect(p.body.action).toBe('CONNECT_REQUIRED');
    } finally {
      sim.restoreKey(F.validKey.accessKey);
    }
    expect((await rt.request('GET', STATUS, { user: 'scw-revoked' })).body.connected).toBe(true);
  });

  it("another user sees nothing of the first user's connection", async () => {
    await connect('scw-owner', valid);
    expect((await rt.request('GET', STATUS, { user: 'scw-intruder' })).body).toEqual({ connected: false, provider: 'scaleway', status: 'not_connected', reason: 'Scaleway is not connected' });
    expect((await rt.request('GET', PROJECTS, { user: 'scw-intruder' })).status).toBe(401);
    expect((await rt.request('POST', DISCONNECT, { user: 'scw-intruder' })).status).toBe(200);
    expect((await record('scw-owner'))?.status).toBe('connected');
  });

  it('scheduled re-validation uses the same live check: a revoked key → error at once, restored → connected', async () => {
    await connect('scw-cron', valid);
    sim.revokeKey(F.validKey.accessKey);
    try {
      const run = await revalidateAll(deps(), { providers: ['scaleway'] });
      expect(run.markedError).toBeGreaterThanOrEqual(1);
      expect((await record('scw-cron'))?.status).toBe('error');
    } finally {
      sim.restoreKey(F.validKey.accessKey);
    }
    await revalidateAll(deps(), { providers: ['scaleway'] });
    expect((await record('scw-cron'))?.status).toBe('connected');
  });

  it('follows project pagination (Account v3 pages of 100)', async () => {
    sim.addProjects(150);
    const c = await connect('scw-many', valid);
    expect(c.body.projects_count).toBe(152);
    expect(sim.requests.filter((r) => r.startsWith('GET /account/v3/projects')).length).toBeGreaterThanOrEqual(2);
    expect((await rt.request('GET', PROJECTS, { user: 'scw-many' })).body.projects).toHaveLength(152);
  });
});
