import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../lib/config.ts';
import { deps } from '../../lib/deps.ts';
import { getConnection } from '../../lib/connections/repo.ts';
import { createOAuthState } from '../../lib/oauth/state.ts';
import { setRetryDelayScale } from '../../lib/provider-http.ts';
import { OVH_FIXTURES as F, type OvhSimulator } from '../../lib/connectors/ovh/simulator.ts';
import { ovhTokenForUser } from '../../lib/connectors/ovh/tokens.ts';
import { revalidateAll } from '../../lib/connectors/revalidate.ts';
import { findLeaks, startTestRuntime, withSettings, type TestRuntime } from '../helpers/runtime.ts';

const INITIATE = '/ovh_api/ovh/oauth2/initiate';
const CALLBACK = '/ovh_api/ovh/oauth2/callback';
const STATUS = '/ovh_api/ovh/status';
const DISCONNECT = '/ovh_api/ovh/disconnect';
const CLIENT_SECRETS = Object.values(F.clients).map((c) => c.clientSecret);

let rt: TestRuntime;
let sim: OvhSimulator;

/** Settings changed for one block (config.ts re-reads them), then put back. */
async function withEnv<T>(env: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const apply = (e: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(e)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
    resetConfig();
  };
  apply(env);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

/** initiate → the simulated consent page approves → the code and state it redirects back with */
async function authorize(user: string, endpoint = 'ovh-eu') {
  const init = await rt.request('POST', INITIATE, { user, body: { endpoint } });
  expect(init.status).toBe(200);
  const consent = await fetch(init.body.authorizationUrl, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const back = new URL(consent.headers.get('location')!);
  return { init: init.body, back, code: back.searchParams.get('code') ?? '', state: back.searchParams.get('state') ?? '' };
}

const callback = (params: Record<string, string>, user: string | null = null) => rt.request('GET', `${CALLBACK}?${new URLSearchParams(params)}`, { user });
const loginOf = (r: { headers: Headers }) => new URL(r.headers.get('location')!).searchParams;
const record = (user: string, region: keyof typeof F.accounts = 'eu') => getConnection(deps().db, { userId: user, provider: 'ovh', accountId: F.accounts[region].nichandle });

async function connect(user: string, endpoint = 'ovh-eu') {
  const a = await authorize(user, endpoint);
  const r = await callback({ code: a.code, state: a.state });
  expect(loginOf(r).get('login')).toBe('ovh_success');
  return r;
}

beforeAll(async () => {
  setRetryDelayScale(0.001);
  rt = await startTestRuntime({ simulate: true, env: { FEATURE_FLAG_OVH_ENABLED: 'true' } });
  sim = rt.runtime.simulators.find((s) => s.name === 'ovh') as OvhSimulator;
});
afterEach(() => sim.reset());
afterAll(async () => {
  expect(findLeaks([...rt.responses, ...rt.logs], [...CLIENT_SECRETS, ...sim.issued()])).toEqual([]);
  await rt.close();
  setRetryDelayScale(1);
});

describe('OVH initiate → consent → callback → list → status → disconnect', () => {
  it('walks the whole flow for EU and removes the tokens at the end', async () => {
    const a = await authorize('ovh-walk');
    const url = new URL(a.init.authorizationUrl);
    expect(url.pathname).toBe('/eu/auth/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: F.clients.eu.clientId,
      redirect_uri: `http://localhost:${rt.runtime.gateway.port}/ovh_api/ovh/oauth2/callback`,
      scope: 'all',
      state: a.init.state,
      code_challenge_method: 'S256',
    });
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.state).toBe(a.init.state);
    // the simulated consent page sends the browser to our own callback
    expect(`${a.back.origin}${a.back.pathname}`).toBe(`http://localhost:${rt.runtime.gateway.port}/ovh_api/ovh/oauth2/callback`);

    const cb = await callback({ code: a.code, state: a.state });
    expect(cb.status).toBe(302);
    const to = new URL(cb.headers.get('location')!);
    // FRONTURL defaults to the console's Connectors page on the runtime's own origin
    expect(`${to.origin}${to.pathname}`).toBe(`http://localhost:${rt.runtime.gateway.port}/connectors`);
    expect(to.searchParams.get('login')).toBe('ovh_success');
    expect(cb.headers.get('location')).not.toContain(a.code);

    const list = await rt.request('GET', '/api/user_connections', { user: 'ovh-walk' });
    expect(list.body).toEqual([expect.objectContaining({ provider: 'ovh', account_id: 'ab12345-ovh', account_name: 'Ada Lovelace', status: 'connected' })]);
    const conn = (await record('ovh-walk'))!;
    expect(conn.metadata).toEqual({ endpoint: 'ovh-eu', cloud_projects: F.accounts.eu.projects });
    const stored = (await deps().secrets.get(conn.secretRef!))!.reveal();
    expect(stored.access_token).toMatch(/^ovhsim-at-/);
    expect(stored.refresh_token).toMatch(/^ovhsim-rt-/);
    expect(stored.expires_at).toBeGreaterThan(Date.now());
    expect(JSON.stringify(conn)).not.toMatch(/ovhsim-(at|rt)-/);

    expect((await rt.request('GET', STATUS, { user: 'ovh-walk' })).body).toEqual({ connected: true, provider: 'ovh', status: 'connected', endpoint: 'ovh-eu' });

    const d = await rt.request('POST', DISCONNECT, { user: 'ovh-walk' });
    expect(d.status).toBe(200);
    expect(d.body).toEqual({ status: 'disconnected' });
    expect((await rt.request('GET', '/api/user_connections', { user: 'ovh-walk' })).body).toEqual([]);
    expect(await deps().secrets.exists(conn.secretRef!)).toBe(false);
    expect((await rt.request('GET', STATUS, { user: 'ovh-walk' })).body).toEqual({ connected: false, provider: 'ovh', status: 'not_connected', reason: 'OVHcloud is not connected', endpoint: null });
  });

  it('each region uses its own hosts and client; a code from one region is refused by another', async () => {
    const ca = await authorize('ovh-ca', 'ovh-ca');
    expect(new URL(ca.init.authorizationUrl).pathname).toBe('/ca/auth/oauth2/authorize');
    expect(new URL(ca.init.authorizationUrl).searchParams.get('client_id')).toBe(F.clients.ca.clientId);
    expect(loginOf(await callback({ code: ca.code, state: ca.state })).get('login')).toBe('ovh_success');
    expect((await record('ovh-ca', 'ca'))?.accountName).toBe('Hopper Labs');
    expect((await rt.request('GET', STATUS, { user: 'ovh-ca' })).body).toEqual({ connected: true, provider: 'ovh', status: 'connected', endpoint: 'ovh-ca' });

    await connect('ovh-us', 'ovh-us');
    expect((await record('ovh-us', 'us'))?.metadata).toEqual({ endpoint: 'ovh-us', cloud_projects: [] });

    // an EU code presented with a US state: the US token endpoint does not know it
    const eu = await authorize('ovh-mixed', 'ovh-eu');
    const us = await authorize('ovh-mixed', 'ovh-us');
    const r = await callback({ code: eu.code, state: us.state });
    expect(loginOf(r).get('error')).toBe('invalid_grant');
    expect(await record('ovh-mixed', 'us')).toBeNull();
  });

  it('cloud_tool adapter: a usable token, accepted by the API', async () => {
    await connect('ovh-token');
    const token = await ovhTokenForUser(deps(), 'ovh-token');
    expect(JSON.stringify({ token })).toBe('{"token":"[redacted]"}');
    expect((await fetch(`${sim.url}/eu/1.0/me`, { headers: { authorization: `Bearer ${token.reveal()}` } })).status).toBe(200);
    await expect(ovhTokenForUser(deps(), 'ovh-nobody')).rejects.toMatchObject({ status: 401, extra: { action: 'CONNECT_REQUIRED' } });
  });

  it('GET /api/auth/ovh starts the same flow (302 to the region\'s consent page, EU unless asked); an unknown region → 400', async () => {
    const eu = await rt.request('GET', '/api/auth/ovh', { user: 'ovh-generic' });
    expect(eu.status).toBe(302);
    const url = new URL(eu.headers.get('location')!);
    expect(url.pathname).toMatch(/^\/eu\//);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{40,}$/);
    const ca = await rt.request('GET', '/api/auth/ovh?endpoint=ovh-ca', { user: 'ovh-generic' });
    expect(new URL(ca.headers.get('location')!).pathname).toMatch(/^\/ca\//);
    const bad = await rt.request('GET', '/api/auth/ovh?endpoint=ovh-au', { user: 'ovh-generic' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('endpoint');
    // the consent page sends the browser back to our callback, which connects the account
    const consent = await fetch(url, { redirect: 'manual' });
    const cb = new URL(consent.headers.get('location')!);
    const done = await rt.request('GET', `${cb.pathname}${cb.search}`, { user: null });
    expect(loginOf(done).get('login')).toBe('ovh_success');
  });

  it('the generic callback alias /api/auth/ovh/callback works the same way', async () => {
    const a = await authorize('ovh-alias');
    const r = await rt.request('GET', `/api/auth/ovh/callback?${new URLSearchParams({ code: a.code, state: a.state })}`, { user: null });
    expect(loginOf(r).get('login')).toBe('ovh_success');
  });
});

describe('OVH initiate errors', () => {
  it('an unknown or missing region → 400 naming endpoint', async () => {
    for (const body of [{ endpoint: 'ovh-au' }, { endpoint: 'kimsufi-eu' }, {}]) {
      const r = await rt.request('POST', INITIATE, { user: 'ovh-err', body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.field).toBe('endpoint');
    }
  });

  it('client id/secret unset → a clear error naming the settings', async () => {
    await withEnv({ OVH_CA_CLIENT_ID: undefined, OVH_CA_CLIENT_SECRET: undefined }, async () => {
      const r = await rt.request('POST', INITIATE, { user: 'ovh-err', body: { endpoint: 'ovh-ca' } });
      expect(r.status).toBe(500);
      expect(r.body.error.code).toBe('config_error');
      expect(r.body.error.message).toBe('OAuth2 credentials not configured for ovh-ca: set OVH_CA_CLIENT_ID and OVH_CA_CLIENT_SECRET');
      // the other regions keep working
      expect((await rt.request('POST', INITIATE, { user: 'ovh-err', body: { endpoint: 'ovh-eu' } })).status).toBe(200);
    });
    await withEnv({ OVH_US_CLIENT_SECRET: undefined }, async () => {
      expect((await rt.request('POST', INITIATE, { user: 'ovh-err', body: { endpoint: 'ovh-us' } })).body.error.message).toMatch(/not configured for ovh-us/);
    });
  });

  it('a plain-HTTP redirect URI is refused outside the simulator, explaining that OVH needs HTTPS', async () => {
    await withEnv({ OVH_ALLOW_HTTP_REDIRECT: undefined }, async () => {
      const r = await rt.request('POST', INITIATE, { user: 'ovh-err', body: { endpoint: 'ovh-eu' } });
      expect(r.status).toBe(500);
      expect(r.body.error.message).toMatch(/OVH only accepts HTTPS redirect URIs/);
      expect(r.body.error.message).toMatch(/OVH_EU_REDIRECT_URI/);
    });
    await withEnv({ OVH_ALLOW_HTTP_REDIRECT: undefined, OVH_EU_REDIRECT_URI: 'https://abc123.ngrok-free.app/ovh_api/ovh/oauth2/callback' }, async () => {
      const r = await rt.request('POST', INITIATE, { user: 'ovh-err', body: { endpoint: 'ovh-eu' } });
      expect(r.status).toBe(200);
      expect(new URL(r.body.authorizationUrl).searchParams.get('redirect_uri')).toBe('https://abc123.ngrok-free.app/ovh_api/ovh/oauth2/callback');
    });
  });
});

describe('OVH callback state handling', () => {
  it('a forged state → invalid_state, nothing stored', async () => {
    const a = await authorize('ovh-forge');
    const r = await callback({ code: a.code, state: 'forged-state-value-0123456789' });
    expect(r.status).toBe(302);
    // `reason` joined the seed's `error` in issue 10: one failure shape for every OAuth connector
    expect(Object.fromEntries(loginOf(r))).toEqual({ login: 'ovh_failed', reason: 'invalid_state', error: 'invalid_state' });
    expect(await record('ovh-forge')).toBeNull();
  });

  it('a replayed state → invalid_state the second time', async () => {
    const a = await authorize('ovh-replay');
    expect(loginOf(await callback({ code: a.code, state: a.state })).get('login')).toBe('ovh_success');
    const again = await callback({ code: a.code, state: a.state });
    expect(loginOf(again).get('error')).toBe('invalid_state');
  });

  it('an expired state → invalid_state', async () => {
    const old = await createOAuthState(deps().db, { userId: 'ovh-expired', provider: 'ovh', redirectUri: 'http://localhost:5080/ovh_api/ovh/oauth2/callback', region: 'ovh-eu' }, Date.now() - 11 * 60_000);
    const r = await callback({ code: 'whatever', state: old.state });
    expect(loginOf(r).get('error')).toBe('invalid_state');
    expect(await record('ovh-expired')).toBeNull();
  });

  it("another user's state → invalid_state; the state is spent, nothing attaches to either user", async () => {
    const a = await authorize('ovh-victim');
    const r = await callback({ code: a.code, state: a.state }, 'ovh-attacker');
    expect(loginOf(r).get('error')).toBe('invalid_state');
    expect(await record('ovh-victim')).toBeNull();
    expect((await rt.request('GET', '/api/user_connections', { user: 'ovh-attacker' })).body).toEqual([]);
    expect(loginOf(await callback({ code: a.code, state: a.state })).get('error')).toBe('invalid_state');
  });

  it("a state issued for another provider → invalid_state", async () => {
    const gcp = await createOAuthState(deps().db, { userId: 'ovh-cross', provider: 'gcp', redirectUri: 'http://localhost:5080/callback' });
    expect(loginOf(await callback({ code: 'x', state: gcp.state })).get('error')).toBe('invalid_state');
  });

  it('missing state or code', async () => {
    expect(loginOf(await callback({ code: 'x' })).get('error')).toBe('invalid_state');
    const a = await authorize('ovh-nocode');
    expect(loginOf(await callback({ state: a.state })).get('error')).toBe('missing_code');
  });

  it('the user refusing consent → error=access_denied, nothing stored', async () => {
    sim.denyNext();
    const a = await authorize('ovh-deny');
    expect(a.back.searchParams.get('error')).toBe('access_denied');
    const r = await callback(Object.fromEntries(a.back.searchParams));
    expect(Object.fromEntries(loginOf(r))).toEqual({ login: 'ovh_failed', reason: 'access_denied', error: 'access_denied' });
    expect(await record('ovh-deny')).toBeNull();
  });

  it('a wrong PKCE verifier or a reused code is refused by the token endpoint (invalid_grant)', async () => {
    const a = await authorize('ovh-pkce');
    const b = await authorize('ovh-pkce');
    // b's state carries b's verifier, which does not match a's challenge
    expect(loginOf(await callback({ code: a.code, state: b.state })).get('error')).toBe('invalid_grant');
    expect(loginOf(await callback({ code: a.code, state: a.state })).get('error')).toBe('invalid_grant');
    expect(await record('ovh-pkce')).toBeNull();
  });

  it('OVH down during the exchange → error=provider_unavailable, nothing stored', async () => {
    const a = await authorize('ovh-down');
    sim.fail({ status: 503, path: /token$/ });
    expect(loginOf(await callback({ code: a.code, state: a.state })).get('error')).toBe('provider_unavailable');
    expect(await record('ovh-down')).toBeNull();
  });
});

describe('OVH status and refresh', () => {
  it('refreshes ahead of expiry and stores the rotated tokens; no refresh while the token is fresh', async () => {
    await connect('ovh-fresh');
    const before = sim.refreshCount();
    expect((await rt.request('GET', STATUS, { user: 'ovh-fresh' })).body.connected).toBe(true);
    expect(sim.refreshCount()).toBe(before);

    sim.setTokenLifetime(60); // inside the 300 s refresh window
    await connect('ovh-refresh');
    const ref = (await record('ovh-refresh'))!.secretRef!;
    const first = (await deps().secrets.get(ref))!.reveal();
    const s = await rt.request('GET', STATUS, { user: 'ovh-refresh' });
    expect(s.body).toEqual({ connected: true, provider: 'ovh', status: 'connected', endpoint: 'ovh-eu' });
    expect(sim.refreshCount()).toBe(before + 1);
    const second = (await deps().secrets.get(ref))!.reveal();
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    // the rotated refresh token is the one used next time
    expect((await rt.request('GET', STATUS, { user: 'ovh-refresh' })).body.connected).toBe(true);
    expect(sim.refreshCount()).toBe(before + 2);
  });

  it('a refused refresh never hands back the stale token: error with the reason, credentials kept', async () => {
    sim.setTokenLifetime(60);
    await connect('ovh-revoked');
    const ref = (await record('ovh-revoked'))!.secretRef!;
    const stale = (await deps().secrets.get(ref))!.reveal().access_token;
    sim.revokeRefreshTokens();
    await expect(ovhTokenForUser(deps(), 'ovh-revoked')).rejects.toMatchObject({ status: 401 });
    const conn = (await record('ovh-revoked'))!;
    expect(conn.status).toBe('error');
    expect(conn.statusReason).toMatch(/invalid_grant/);
    expect(await deps().secrets.exists(ref)).toBe(true);
    const s = await rt.request('GET', STATUS, { user: 'ovh-revoked' });
    expect(s.body).toMatchObject({ connected: false, endpoint: 'ovh-eu', status: 'error' });
    expect(s.text).not.toContain(stale);
  });

  it('a 5xx marks the connection error with the reason and keeps the tokens; the next good check reconnects', async () => {
    await connect('ovh-fault');
    const ref = (await record('ovh-fault'))!.secretRef!;
    sim.fail({ status: 500, path: /\/me$/ });
    const bad = await rt.request('GET', STATUS, { user: 'ovh-fault' });
    expect(bad.body).toMatchObject({ connected: false, endpoint: 'ovh-eu', status: 'error' });
    expect(bad.body.reason).toMatch(/unavailable.*HTTP 500/);
    expect((await rt.request('GET', '/api/user_connections', { user: 'ovh-fault' })).body[0]).toMatchObject({ status: 'error', status_reason: bad.body.reason });
    expect(await deps().secrets.exists(ref)).toBe(true);
    sim.reset();
    expect((await rt.request('GET', STATUS, { user: 'ovh-fault' })).body).toEqual({ connected: true, provider: 'ovh', status: 'connected', endpoint: 'ovh-eu' });
  });

  it('a refresh that times out is an error too, and the stale token is not returned', async () => {
    sim.setTokenLifetime(60);
    await connect('ovh-slow');
    sim.fail({ delayMs: 1000, path: /token$/ });
    const s = await withSettings({ OVH_HTTP_TIMEOUT_MS: '250' }, async () => {
      await expect(ovhTokenForUser(deps(), 'ovh-slow')).rejects.toMatchObject({ status: 503 });
      return rt.request('GET', STATUS, { user: 'ovh-slow' });
    });
    expect(s.body.status).toBe('error');
    expect(s.body.reason).toMatch(/timed out/);
    sim.reset();
    expect((await rt.request('GET', STATUS, { user: 'ovh-slow' })).body.connected).toBe(true);
  });

  it('scheduled re-validation refreshes through the check, keeping the refresh token alive', async () => {
    sim.setTokenLifetime(60);
    await connect('ovh-cron');
    const ref = (await record('ovh-cron'))!.secretRef!;
    const before = (await deps().secrets.get(ref))!.reveal().refresh_token;
    await revalidateAll(deps(), { providers: ['ovh'] });
    expect((await deps().secrets.get(ref))!.reveal().refresh_token).not.toBe(before);
    expect((await record('ovh-cron'))?.status).toBe('connected');
  });

  it("another user sees nothing of the first user's account", async () => {
    await connect('ovh-owner');
    expect((await rt.request('GET', STATUS, { user: 'ovh-intruder' })).body).toEqual({ connected: false, provider: 'ovh', status: 'not_connected', reason: 'OVHcloud is not connected', endpoint: null });
    expect((await rt.request('POST', DISCONNECT, { user: 'ovh-intruder' })).body).toEqual({ status: 'disconnected' });
    expect((await record('ovh-owner'))?.status).toBe('connected');
  });
});

describe('OVH feature flag', () => {
  it('off: every OVH route answers 404 and OVH connections are hidden; on again: back', async () => {
    await connect('ovh-flag');
    const a = await authorize('ovh-flag');
    await withEnv({ FEATURE_FLAG_OVH_ENABLED: 'false' }, async () => {
      const calls = [
        rt.request('POST', INITIATE, { user: 'ovh-flag', body: { endpoint: 'ovh-eu' } }),
        callback({ code: a.code, state: a.state }),
        rt.request('GET', '/api/auth/ovh/callback?code=x&state=y', { user: null }),
        rt.request('GET', STATUS, { user: 'ovh-flag' }),
        rt.request('POST', DISCONNECT, { user: 'ovh-flag' }),
        rt.request('GET', STATUS, { user: null }),
      ];
      for (const r of await Promise.all(calls)) expect(r.status).toBe(404);
      expect((await rt.request('GET', '/api/user_connections', { user: 'ovh-flag' })).body).toEqual([]);
    });
    expect((await rt.request('GET', STATUS, { user: 'ovh-flag' })).body.connected).toBe(true);
    // the state was not consumed while the flag was off
    expect(loginOf(await callback({ code: a.code, state: a.state })).get('login')).toBe('ovh_success');
  });
});
