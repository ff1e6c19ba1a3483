import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { listAudit } from '../../lib/connections/repo.ts';
import { DATADOG_FIXTURES as DD, type DatadogSimulator } from '../../lib/connectors/datadog/simulator.ts';
import { GRAFANA_FIXTURES as GF, type GrafanaSimulator } from '../../lib/connectors/grafana/simulator.ts';
import { NETDATA_FIXTURES as ND, type NetdataSimulator } from '../../lib/connectors/netdata/simulator.ts';
import { GITHUB_FIXTURES as GH, type GithubSimulator } from '../../lib/connectors/github/simulator.ts';
import { findLeaks, startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

/**
 * The credential proxy (lib/proxy/) over HTTP against the Datadog, Grafana, Netdata and GitHub simulators:
 * the stored credential is attached on our side and never comes back; the host is the connector's;
 * Ask mode reads only; paths cannot climb out of the base; bodies are capped; every call is audited.
 */
let rt: TestRuntime;
let dd: DatadogSimulator;
let gf: GrafanaSimulator;
let nd: NetdataSimulator;
let gh: GithubSimulator;
const CAP = 4096;
const U = 'px-user';
const ask = (path: string, o: { method?: 'GET' | 'POST'; body?: unknown; headers?: Record<string, string>; user?: string } = {}) =>
  rt.request(o.method ?? 'GET', path, { user: o.user ?? U, ...(o.body === undefined ? {} : { body: o.body }), headers: o.headers ?? {} });
const agent = (path: string, o: { method?: 'GET' | 'POST'; body?: unknown; user?: string } = {}) => ask(path, { ...o, headers: { 'x-aurora-mode': 'agent' } });

/** The OAuth flows end in a redirect: follow the consent page back to our callback, in the test's browser. */
async function viaConsent(start: { status: number; text: string }, oauthUrl: string) {
  expect(start.status, start.text).toBe(200);
  const r = await fetch(oauthUrl, { redirect: 'manual' });
  expect(r.status).toBe(302);
  const back = new URL(r.headers.get('location')!);
  const cb = await rt.request('GET', back.pathname + back.search, { user: null });
  expect(cb.status).toBe(302);
  return new URL(cb.headers.get('location')!, rt.url);
}

/** A request whose path goes out exactly as written (fetch and curl would resolve its dot segments first). */
function rawGet(path: string, user = U): Promise<{ status: number; body: any }> {
  const u = new URL(rt.url);
  return new Promise((ok, fail) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path, method: 'GET', headers: { 'x-user-id': user } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        rt.responses.push(text);
        ok({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', fail);
    req.end();
  });
}

beforeAll(async () => {
  rt = await startTestRuntime({ simulate: true, env: { PROXY_MAX_RESPONSE_BYTES: String(CAP), PROXY_TIMEOUT_MS: '3000' } });
  dd = rt.runtime.simulators.find((s) => s.name === 'datadog') as DatadogSimulator;
  gf = rt.runtime.simulators.find((s) => s.name === 'grafana') as GrafanaSimulator;
  nd = rt.runtime.simulators.find((s) => s.name === 'netdata') as NetdataSimulator;
  gh = rt.runtime.simulators.find((s) => s.name === 'github') as GithubSimulator;
  expect((await rt.request('POST', '/datadog/connect', { user: U, body: { api_key: DD.us1.apiKey, app_key: DD.us1.appKey } })).status).toBe(200);
  expect((await rt.request('POST', '/grafana/connect', { user: U, body: { api_token: GF.cloud.editorToken, base_url: GF.cloud.url } })).status).toBe(200);
  expect((await rt.request('POST', '/netdata/connect', { user: U, body: { api_token: ND.single.token } })).status).toBe(200);
  const ghStart = await rt.request('POST', '/github/login', { user: U });
  expect((await viaConsent(ghStart, ghStart.body.oauth_url)).searchParams.get('login')).toBe('github_success');
});
afterEach(() => {
  dd.reset();
  gf.reset();
  nd.reset();
  gh.reset();
});
afterAll(async () => {
  const items = JSON.stringify(await listAudit(deps().db, U));
  expect(findLeaks([...rt.responses, ...rt.logs, items], [...dd.issuedSecrets(), ...gf.issuedSecrets(), ...nd.issuedSecrets(), ...gh.issued()])).toEqual([]);
  await rt.close();
});

describe('reads through the proxy', () => {
  it('Datadog: the site of the connection with both keys attached; the answer is the tool\'s own', async () => {
    const r = await ask('/api/proxy/datadog/api/v1/monitor');
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ connector: 'datadog', account_id: DD.us1.orgId, status: 200, truncated: false });
    expect(r.body.body.map((m: { name: string }) => m.name)).toEqual(['CPU high on web', 'Checkout errors']);
    expect(r.body.headers['content-type']).toMatch(/application\/json/);
    expect(dd.requests).toContain('GET /datadoghq.com/api/v1/monitor');
  });

  it('a tool response that shows the stored key comes back with it redacted (Datadog lists API keys in full)', async () => {
    const r = await ask('/api/proxy/datadog/api/v1/api_key');
    expect(r.status).toBe(200);
    expect(r.body.body.api_keys[0]).toMatchObject({ key: '[redacted]', name: 'aurora' });
    expect(r.text).not.toContain(DD.us1.apiKey);
  });

  it('Grafana: the stack of the connection with its bearer; the query string goes along; session cookies stay behind', async () => {
    const r = await ask('/api/proxy/grafana/api/search?limit=2&type=dash-db');
    expect(r.status, r.text).toBe(200);
    expect(r.body.body).toHaveLength(2);
    expect(r.body.headers['set-cookie']).toBeUndefined();
    expect(Object.keys(r.body.headers).some((h) => /cookie|authorization|connection|transfer-encoding/.test(h))).toBe(false);
    expect(r.headers.get('set-cookie')).toBeNull();
    expect(gf.requests).toContain('GET /aurora-sim/api/search');
  });

  it('Netdata: Netdata Cloud with the bearer; a tool 404 is the tool\'s answer inside ours', async () => {
    const r = await ask(`/api/proxy/netdata/api/v2/spaces/${ND.single.spaces[0].id}/nodes`);
    expect(r.body).toMatchObject({ connector: 'netdata', status: 200, body: [{ name: 'web-1' }, { name: 'db-1' }] });
    const missing = await ask('/api/proxy/netdata/api/v2/spaces/not-mine/nodes');
    expect(missing.status).toBe(200);
    expect(missing.body.status).toBe(404);
  });

  it('GitHub: the REST API under GITHUB_API_URL (a GitHub Enterprise Server /api/v3 base) with the OAuth token as bearer', async () => {
    const r = await ask('/api/proxy/github/user/repos?per_page=5');
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ connector: 'github', account_id: String(GH.accounts[0].id), status: 200, body: [{ full_name: `${GH.accounts[0].login}/hello-world` }] });
    expect(r.body.headers['x-oauth-scopes']).toBe('read:org, read:user, repo');
    expect(gh.requests).toContain('GET /api/v3/user/repos');
    // a token revoked at GitHub: GitHub's own 401 inside ours, and the token still never shown
    gh.revokeUser(GH.accounts[0].login);
    try {
      const gone = await ask('/api/proxy/github/user');
      expect(gone.status).toBe(200);
      expect(gone.body).toMatchObject({ status: 401, body: { message: 'Bad credentials' } });
    } finally {
      gh.restoreUser(GH.accounts[0].login);
    }
  });

  it('a body over PROXY_MAX_RESPONSE_BYTES is cut there and says so', async () => {
    const r = await ask('/api/proxy/grafana/api/search?limit=500');
    expect(r.status).toBe(200);
    expect(r.body.truncated).toBe(true);
    expect(typeof r.body.body).toBe('string');
    expect(Buffer.byteLength(r.body.body, 'utf8')).toBeLessThanOrEqual(CAP);
  });
});

describe('Ask mode reads only', () => {
  it('refuses a write (403 naming mode) without calling the tool; Agent mode sends it', async () => {
    const before = dd.requests.length;
    const w = await ask('/api/proxy/datadog/api/v1/monitor', { method: 'POST', body: { name: 'x', type: 'metric alert', query: 'avg(last_5m):avg:system.load.1{*} > 10' } });
    expect(w.status).toBe(403);
    expect(w.body.error).toMatchObject({ code: 'read_only_mode', field: 'mode' });
    expect(w.body.error.message).toMatch(/Ask mode only reads: POST \/api\/v1\/monitor/);
    expect(dd.requests.length).toBe(before);
    const g = await ask('/api/proxy/grafana/api/dashboards/db', { method: 'POST', body: { dashboard: { title: 'x' } } });
    expect(g.status).toBe(403);
    const n = await ask(`/api/proxy/netdata/api/v2/spaces/${ND.single.spaces[0].id}/rooms`, { method: 'POST', body: { name: 'new' } });
    expect(n.status).toBe(403);

    const a = await agent('/api/proxy/datadog/api/v1/monitor', { method: 'POST', body: { name: 'Load', type: 'metric alert', query: 'avg(last_5m):avg:system.load.1{*} > 10' } });
    expect(a.status, a.text).toBe(200);
    expect(a.body).toMatchObject({ status: 200, body: { name: 'Load', overall_state: 'No Data' } });
    expect((await agent(`/api/proxy/netdata/api/v2/spaces/${ND.single.spaces[0].id}/rooms`, { method: 'POST', body: { name: 'new' } })).body.status).toBe(201);
  });

  it("allows the connector's read-only POSTs: Datadog logs and metric queries, Grafana datasource queries", async () => {
    const logs = await ask('/api/proxy/datadog/api/v2/logs/events/search', { method: 'POST', body: { filter: { query: 'service:checkout status:error', from: 'now-15m', to: 'now' } } });
    expect(logs.status, logs.text).toBe(200);
    expect(logs.body.body).toMatchObject({ data: [{ attributes: { service: 'checkout' } }], query: 'service:checkout status:error' });
    expect((await ask('/api/proxy/datadog/api/v2/query/timeseries', { method: 'POST', body: { data: { type: 'timeseries_request', attributes: { formulas: [], queries: [], from: 0, to: 1 } } } })).body.status).toBe(200);
    const ds = await ask('/api/proxy/grafana/api/ds/query', { method: 'POST', body: { queries: [{ refId: 'A', datasource: { uid: 'prom-sim' }, expr: 'up' }], from: 'now-1h', to: 'now' } });
    expect(ds.body).toMatchObject({ status: 200, body: { results: { A: { status: 200 } } } });
  });

  it('an unknown mode → 400 naming it', async () => {
    const r = await ask('/api/proxy/datadog/api/v1/monitor', { headers: { 'x-aurora-mode': 'root' } });
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('mode');
  });
});

describe('Ask mode reads only: GitHub', () => {
  it('refuses opening an issue and any /graphql call (mutations ride on it) without calling GitHub; Agent mode opens the issue', async () => {
    const before = gh.requests.length;
    const issuePath = `/api/proxy/github/repos/${GH.accounts[0].login}/hello-world/issues`;
    const w = await ask(issuePath, { method: 'POST', body: { title: 'from the agent' } });
    expect(w.status).toBe(403);
    expect(w.body.error).toMatchObject({ code: 'read_only_mode', field: 'mode' });
    const q = await ask('/api/proxy/github/graphql', { method: 'POST', body: { query: '{ viewer { login } }' } });
    expect(q.status).toBe(403);
    expect(gh.requests.length).toBe(before);

    const a = await agent(issuePath, { method: 'POST', body: { title: 'from the agent' } });
    expect(a.status, a.text).toBe(200);
    expect(a.body).toMatchObject({ status: 201, body: { number: 1, title: 'from the agent', state: 'open' } });
    expect(gh.requests).toContain(`POST /api/v3/repos/${GH.accounts[0].login}/hello-world/issues`);
  });
});

describe('paths cannot escape the base', () => {
  it('dot segments, raw or encoded → 400, nothing sent', async () => {
    const before = dd.requests.length + gf.requests.length;
    for (const p of ['/api/proxy/datadog/api/../../../etc/passwd', '/api/proxy/datadog/api/v1/%2e%2e/%2e%2e/x', '/api/proxy/grafana/./api/org', '/api/proxy/grafana/api/%2E%2E/admin', '/api/proxy/datadog/..']) {
      const r = await rawGet(p);
      expect(r.status, p).toBe(400);
      expect(r.body.error.field, p).toBe('path');
    }
    expect(dd.requests.length + gf.requests.length).toBe(before);
  });

  it('encoded slashes or backslashes, absolute URLs, empty segments → 400 naming path', async () => {
    const before = dd.requests.length + gf.requests.length + nd.requests.length;
    for (const p of [
      '/api/proxy/datadog/api%2fv1%2fmonitor',
      '/api/proxy/datadog/api/v1%2F..%2F..%2Fx',
      '/api/proxy/grafana/api%5c..%5cadmin',
      '/api/proxy/grafana/https://evil.example/api/org',
      '/api/proxy/grafana/http:%2f%2fevil.example/x',
      '/api/proxy/netdata//evil.example/api/v2/spaces',
      '/api/proxy/datadog/api/v1/monitor%00',
    ]) {
      const r = await rawGet(p);
      expect(r.status, p).toBe(400);
      expect(r.body.error.field, p).toBe('path');
    }
    expect(dd.requests.length + gf.requests.length + nd.requests.length).toBe(before);
  });
});

describe('whose connection', () => {
  it('not connected, an unknown connector, a connector without a proxy, another user\'s account → 404', async () => {
    expect((await ask('/api/proxy/datadog/api/v1/monitor', { user: 'px-nobody' })).status).toBe(404);
    expect((await ask('/api/proxy/jira/rest/api/2/myself')).status).toBe(404);
    const none = await ask('/api/proxy/scaleway/iam/v1alpha1/api-keys');
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('no_proxy');
    // another user connects the same organisation; naming it as theirs does not reach it
    const other = await ask('/api/proxy/datadog/api/v1/monitor', { user: 'px-other', headers: { 'x-aurora-account-id': DD.us1.orgId } });
    expect(other.status).toBe(404);
    expect((await ask('/api/proxy/datadog/api/v1/monitor', { headers: { 'x-aurora-account-id': DD.eu.orgId } })).status).toBe(404);
    expect((await ask('/api/proxy/datadog/api/v1/monitor', { headers: { 'x-aurora-account-id': DD.us1.orgId } })).status).toBe(200);
  });

  it('a revoked key is the tool\'s 403 inside ours, its 503 too; a tool that never answers → our 503', async () => {
    dd.revokeKey(DD.us1.appKey);
    try {
      const r = await ask('/api/proxy/datadog/api/v1/monitor');
      expect(r.body.status).toBe(403);
    } finally {
      dd.restoreKey(DD.us1.appKey);
    }
    dd.fail({ status: 503, times: 1 });
    expect((await ask('/api/proxy/datadog/api/v1/monitor')).body.status).toBe(503);
    // a tool that never answers: our own 503 once PROXY_TIMEOUT_MS is over (never retried)
    dd.fail({ delayMs: 30_000, times: 1 });
    const stalled = await ask('/api/proxy/datadog/api/v1/monitor');
    expect(stalled.status).toBe(503);
    expect(stalled.body.error.message).toMatch(/Datadog is unavailable \(timed out\)/);
  }, 60_000);
});

describe('the audit', () => {
  it('records each forwarded call (method, path without its query, status, mode, size), never a header or body', async () => {
    await ask('/api/proxy/grafana/api/search?limit=1&query=secret-looking');
    await ask('/api/proxy/datadog/api/v1/monitor', { method: 'POST', body: {} });
    const audit = (await listAudit(deps().db, U)).filter((a) => a.action === 'proxy.request');
    const search = audit.find((a) => a.provider === 'grafana' && (a.detail as { path?: string }).path === '/api/search');
    expect(search?.detail).toMatchObject({ method: 'GET', mode: 'ask', status: 200, outcome: 'forwarded', truncated: false });
    expect(JSON.stringify(audit)).not.toContain('secret-looking');
    expect(JSON.stringify(audit)).not.toContain(GF.cloud.editorToken);
  });
});
