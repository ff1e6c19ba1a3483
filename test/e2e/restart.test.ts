import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../../lib/local/cookie-jar.ts';
import { connectGcp } from '../../lib/connectors/gcp/simulator-flow.ts';
import { AZURE_SIM } from '../../lib/connectors/azure/simulator.ts';
import { SCALEWAY_FIXTURES } from '../../lib/connectors/scaleway/simulator.ts';
import { TAILSCALE_FIXTURES } from '../../lib/connectors/tailscale/simulator.ts';

/**
 * What a new user does with `npm start -- --simulate`: connect every provider, stop it, start it
 * again on the same data dir, run `npm run revalidate` and look at every status route. Child
 * processes, real HTTP, nothing shared with the test process but the data dir.
 */
const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'aurora-restart-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const ENV = { FEATURE_FLAG_OVH_ENABLED: 'true', GCP_LOCAL_WAIT_MS: '5', GCP_LOCAL_RETRY_MS: '5', GCP_ENABLE_POLL_INTERVAL_MS: '10' };
const USER = 'restart-user';
const PROVIDERS = ['aws', 'azure', 'gcp', 'ovh', 'scaleway', 'tailscale'];

async function start(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['scripts/start.ts', '--port', '0', '--data-dir', dataDir, '--simulate'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, ...ENV },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`not ready: ${out}`)), 20000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /"msg":"aurora-connectors ready","url":"([^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    // keep draining both pipes for the life of the child
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return { child, url };
}

const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });

async function call(base: string, method: string, path: string, body?: unknown, jar?: CookieJar): Promise<{ status: number; body: any; headers: Headers }> {
  const cookie = jar?.header();
  const res = await fetch(base + path, {
    method,
    redirect: 'manual',
    headers: { 'x-user-id': USER, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(cookie ? { cookie } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  jar?.store(res);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

async function connectAll(base: string) {
  const browser = new CookieJar();
  const gcp = await connectGcp(base, USER, { jar: browser, timeoutMs: 60000 });
  expect(gcp.final?.state).toBe('SUCCESS');

  const onboarding = await call(base, 'GET', '/aws/onboarding');
  expect((await call(base, 'POST', '/aws/auth', { role_arn: 'arn:aws:iam::123456789012:role/AuroraRole', external_id: onboarding.body.external_id })).status).toBe(200);
  expect((await call(base, 'POST', '/azure/login', { tenant_id: AZURE_SIM.tenantId, client_id: AZURE_SIM.clientId, client_secret: AZURE_SIM.clientSecret })).status).toBe(200);
  const scw = SCALEWAY_FIXTURES.validKey;
  expect((await call(base, 'POST', '/scaleway_api/scaleway/connect', { access_key: scw.accessKey, secret_key: scw.secretKey })).status).toBe(200);
  const ts = TAILSCALE_FIXTURES.client;
  expect((await call(base, 'POST', '/tailscale_api/tailscale/connect', { client_id: ts.clientId, client_secret: ts.clientSecret })).status).toBe(200);

  const init = await call(base, 'POST', '/ovh_api/ovh/oauth2/initiate', { endpoint: 'ovh-eu' }, browser);
  const back = new URL((await fetch(init.body.authorizationUrl, { redirect: 'manual' })).headers.get('location')!);
  const cb = await call(base, 'GET', `${back.pathname}${back.search}`, undefined, browser);
  expect(new URL(cb.headers.get('location')!).searchParams.get('login')).toBe('ovh_success');
}

async function statuses(base: string): Promise<Record<string, string>> {
  const list = (await call(base, 'GET', '/api/user_connections')).body as Array<{ provider: string; status: string }>;
  return Object.fromEntries(list.map((c) => [c.provider, c.status]));
}

/** Every file and directory in the data dir with a mode other than 0600 / 0700. */
function looseModes(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = lstatSync(p);
    const mode = st.mode & 0o777;
    if (st.isDirectory()) {
      if (mode !== 0o700) out.push(`${p} ${mode.toString(8)}`);
      for (const n of readdirSync(p)) walk(join(p, n));
    } else if (mode !== 0o600) out.push(`${p} ${mode.toString(8)}`);
  };
  walk(dir);
  return out;
}

describe('npm start -- --simulate, restarted on the same data dir', () => {
  it('keeps every connection of all six providers connected: revalidate and every status route agree', async () => {
    const first = await start();
    await connectAll(first.url);
    expect(await statuses(first.url)).toEqual(Object.fromEntries(PROVIDERS.map((p) => [p, 'connected'])));
    expect(await stop(first.child)).toBe(0);

    const second = await start();
    try {
      // revalidate finds the running runtime, with its settings: OVH is not skipped although this
      // process was not given FEATURE_FLAG_OVH_ENABLED
      const { stdout } = await run(process.execPath, ['scripts/revalidate.ts', '--data-dir', dataDir], { env: { PATH: process.env.PATH, LOG_LEVEL: 'warn' } });
      const summary = JSON.parse(stdout.trim().split('\n').pop()!) as { checked: number; markedError: number; byProvider: Record<string, number> };
      expect(summary.byProvider).toEqual(Object.fromEntries(PROVIDERS.map((p) => [p, 1])));
      expect(summary.markedError).toBe(0);

      const live = {
        gcp: await call(second.url, 'GET', '/gcp/status'),
        aws: await call(second.url, 'GET', '/aws/status'),
        azure: await call(second.url, 'GET', '/azure/status'),
        scaleway: await call(second.url, 'GET', '/scaleway_api/scaleway/status'),
        tailscale: await call(second.url, 'GET', '/tailscale_api/tailscale/status'),
        ovh: await call(second.url, 'GET', '/ovh_api/ovh/status'),
      };
      for (const [p, r] of Object.entries(live)) expect({ p, status: r.status, connected: r.body.connected }).toEqual({ p, status: 200, connected: true });
      expect(await statuses(second.url)).toEqual(Object.fromEntries(PROVIDERS.map((p) => [p, 'connected'])));
      // everything the runtime, the embedded DynamoDB and the simulators wrote is the owner's only
      expect(looseModes(dataDir)).toEqual([]);
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  }, 120000);
});
