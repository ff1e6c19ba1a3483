import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCALEWAY_FIXTURES as SCW } from '../../lib/connectors/scaleway/simulator.ts';
import { runView } from '../../lib/commands/runs.ts';
import { ensureConsoleBuilt } from '../../scripts/build-console.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

/**
 * The local runtime serving the console beside the API over real HTTP: the console's pages and
 * files, its config document, the API's precedence and JSON 404s; and GET /api/cloud_tool/runs.
 */
let rt: TestRuntime;
let workDir: string;

beforeAll(async () => {
  await ensureConsoleBuilt({ quiet: true });
  workDir = mkdtempSync(join(tmpdir(), 'console-serving-work-'));
  rt = await startTestRuntime({ simulate: true, env: { CLOUD_TOOL_PATH: `${resolve('test/fixtures/fake-cli')}:${dirname(process.execPath)}`, CLOUD_TOOL_WORK_DIR: workDir } });
}, 120_000);

afterAll(async () => {
  await rt?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('the console on the API origin', () => {
  it('answers its pages with index.html under a strict Content-Security-Policy, and its hashed files for good', async () => {
    for (const path of ['/', '/connectors', '/commands/', '/kubernetes', '/approvals', '/agents', '/signin-callback']) {
      const r = await fetch(`${rt.url}${path}`);
      expect(r.status, path).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/html/);
      expect(r.headers.get('content-security-policy')).toMatch(/script-src 'self';.*frame-ancestors 'none'/);
      expect(r.headers.get('cache-control')).toBe('no-cache');
    }
    const html = await (await fetch(`${rt.url}/connectors`)).text();
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
    const asset = await fetch(`${rt.url}${js}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const head = await fetch(`${rt.url}${js}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('serves the config document from the live settings', async () => {
    const r = await fetch(`${rt.url}/console-config.json`);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(await r.json()).toEqual({ auth_mode: 'trusted-header', api_url: '', oidc: null });
  });

  it('leaves every other path to the API: routes keep precedence, unknown paths get the JSON 404 envelope', async () => {
    const api = await rt.request('GET', '/api/user_connections', { user: 'serve-u' });
    expect(api.status).toBe(200);
    expect(api.body).toEqual([]);
    for (const path of ['/api/nope', '/connectors/x', '/assets/missing.js', '/assets/../../package.json', '/assets/%2e%2e/%2e%2e/package.json', '/index.html', '/web/dist/index.html']) {
      const r = await rt.request('GET', path);
      expect(r.status, path).toBe(404);
      expect(r.headers.get('content-type'), path).toBe('application/json');
      expect(r.body.error.code, path).toBe('not_found');
    }
    // a raw request line, as fetch would normalise the dots away: still nothing outside web/dist/assets
    for (const raw of ['/assets/..%2f..%2f..%2fpackage.json', '/assets/..%2f..%2findex.html', '/assets/%00']) {
      const status = await new Promise<number>((ok, fail) => get({ host: '127.0.0.1', port: rt.runtime.gateway.port, path: raw }, (res) => (res.resume(), ok(res.statusCode!))).on('error', fail));
      expect(status, raw).toBe(404);
    }
    const post = await rt.request('POST', '/connectors', { body: {} });
    expect(post.status).toBe(404);
    expect(post.body.error.code).toBe('not_found');
  });
});

describe('GET /api/cloud_tool/runs', () => {
  it('lists the caller’s runs newest first, as audited, and nobody else’s', async () => {
    const c = await rt.request('POST', '/scaleway_api/scaleway/connect', { user: 'runs-a', body: { access_key: SCW.validKey.accessKey, secret_key: SCW.validKey.secretKey } });
    expect(c.status, c.text).toBe(200);
    expect((await rt.request('GET', '/api/cloud_tool/runs', { user: 'runs-a' })).body).toEqual({ runs: [] });

    for (const command of ['scw instance server list', 'scw account project list']) {
      const r = await rt.request('POST', '/api/cloud_tool', { user: 'runs-a', body: { provider: 'scaleway', command, mode: 'ask' } });
      expect(r.status, r.text).toBe(200);
    }
    // a refused write never ran, so it is no run
    expect((await rt.request('POST', '/api/cloud_tool', { user: 'runs-a', body: { provider: 'scaleway', command: 'scw instance server terminate 11111111-1111-4111-8111-111111111111', mode: 'ask' } })).status).toBe(403);

    const list = await rt.request('GET', '/api/cloud_tool/runs', { user: 'runs-a' });
    expect(list.status).toBe(200);
    expect(list.body.runs.map((r: { command: string }) => r.command)).toEqual(['scw account project list', 'scw instance server list']);
    expect(list.body.runs[0]).toMatchObject({ provider: 'scaleway', account_id: SCW.organizationId, classification: 'read', mode: 'ask', exit_code: 0, timed_out: false });
    expect(list.body.runs[0].duration_ms).toBeGreaterThanOrEqual(0);
    expect(Date.parse(list.body.runs[0].at)).toBeGreaterThanOrEqual(Date.parse(list.body.runs[1].at));

    expect((await rt.request('GET', '/api/cloud_tool/runs?limit=1', { user: 'runs-a' })).body.runs).toHaveLength(1);
    expect((await rt.request('GET', '/api/cloud_tool/runs', { user: 'runs-b' })).body).toEqual({ runs: [] });
    expect((await rt.request('GET', '/api/cloud_tool/runs', { user: null })).status).toBe(401);
    for (const bad of ['0', '101', 'ten']) {
      const r = await rt.request('GET', `/api/cloud_tool/runs?limit=${bad}`, { user: 'runs-a' });
      expect(r.status, bad).toBe(400);
      expect(r.body.error.field).toBe('limit');
    }
  });

  it('reads audit items defensively: another spelling of a field, a missing one, or no command at all', () => {
    expect(runView({ at: '2026-01-01T00:00:00.000Z', provider: 'aws', accountId: '1', detail: { command: 'aws s3 ls', class: 'read', exit_code: 2, duration_ms: 5 } })).toEqual({
      command: 'aws s3 ls',
      provider: 'aws',
      account_id: '1',
      classification: 'read',
      mode: null,
      exit_code: 2,
      timed_out: false,
      duration_ms: 5,
      at: '2026-01-01T00:00:00.000Z',
    });
    expect(runView({ at: '2026-01-01T00:00:00.000Z', detail: { argv: ['gcloud', 'secrets', 'versions', 'access', 'x', '--token=[redacted]'] } })?.command).toBe("gcloud secrets versions access x '--token=[redacted]'");
    expect(runView({ at: '2026-01-01T00:00:00.000Z', detail: {} })).toBeNull();
    expect(runView({ detail: { command: 'x' } })).toBeNull();
  });
});
