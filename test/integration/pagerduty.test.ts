import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../lib/config.ts';
import { deps } from '../../lib/deps.ts';
import { getConnection } from '../../lib/connections/repo.ts';
import { setRetryDelayScale } from '../../lib/provider-http.ts';
import { revalidateAll } from '../../lib/connectors/revalidate.ts';
import { listAlerts } from '../../lib/alerts/store.ts';
import { getRegistration } from '../../lib/webhooks/registry.ts';
import { PAGERDUTY_FIXTURES as F, type PagerDutySimulator } from '../../lib/connectors/pagerduty/simulator.ts';
import { findLeaks, startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

/**
 * PagerDuty over HTTP against its simulator: API-token connect, in-place token rotation (PATCH),
 * status and re-validation, disconnect, OAuth behind NEXT_PUBLIC_ENABLE_PAGERDUTY_OAUTH (PKCE,
 * single-use state, browser binding, rotating refresh tokens, revocation), and v3 webhooks created
 * through the API with the secret PagerDuty returns, verified by X-PagerDuty-Signature.
 */
let rt: TestRuntime;
let sim: PagerDutySimulator;
const ACCT = F.account.subdomain;

const connect = (user: string, body: Record<string, unknown>) => rt.request('POST', '/pagerduty', { user, body });
const record = (user: string, account = ACCT) => getConnection(deps().db, { userId: user, provider: 'pagerduty', accountId: account });
const storedSecret = async (user: string) => (await deps().secrets.get((await record(user))!.secretRef!))?.reveal();
const alertsOf = async (user: string) => (await listAlerts(deps(), user, { limit: 100 })).alerts;

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
const oauthOn = <T>(fn: () => Promise<T>) => withEnv({ NEXT_PUBLIC_ENABLE_PAGERDUTY_OAUTH: 'true' }, fn);

/** login → the simulated consent approves → back to our callback in the same browser */
async function oauthConnect(user: string) {
  const login = await rt.request('POST', '/pagerduty/oauth/login', { user, body: {} });
  expect(login.status, login.text).toBe(200);
  const consent = await fetch(login.body.oauth_url, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const back = new URL(consent.headers.get('location')!);
  return { login: login.body, back, path: `${back.pathname}${back.search}` };
}
const loginOf = (r: { headers: Headers }) => new URL(r.headers.get('location')!).searchParams;

beforeAll(async () => {
  setRetryDelayScale(0.001);
  rt = await startTestRuntime({ simulate: true, env: { PAGERDUTY_HTTP_TIMEOUT_MS: '300', WEBHOOK_REPLAY_WINDOW_SECONDS: '300' } });
  sim = rt.runtime.simulators.find((s) => s.name === 'pagerduty') as PagerDutySimulator;
});
afterEach(() => sim.reset());
afterAll(async () => {
  expect(findLeaks([...rt.responses, ...rt.logs], sim.issuedSecrets())).toEqual([]);
  await rt.close();
  setRetryDelayScale(1);
});

describe('PagerDuty with an API token', () => {
  it('connects (POST /pagerduty), keeps the token in the secret store only, shows status and the connection, disconnects (DELETE /pagerduty)', async () => {
    const c = await connect('pd-walk', { api_token: F.token });
    expect(c.status, c.text).toBe(200);
    expect(c.body).toEqual({ success: true, message: 'PagerDuty connected successfully', subdomain: ACCT, auth_method: 'api_token' });
    expect(sim.requests).toContain('GET /users');
    const conn = (await record('pd-walk'))!;
    expect(conn.metadata).toEqual({ auth_method: 'api_token', subdomain: ACCT });
    expect(JSON.stringify(conn)).not.toContain(F.token);
    expect(await storedSecret('pd-walk')).toEqual({ api_token: F.token });

    const list = await rt.request('GET', '/api/user_connections', { user: 'pd-walk' });
    expect(list.body).toEqual([expect.objectContaining({ provider: 'pagerduty', account_id: ACCT, status: 'connected' })]);
    const s = await rt.request('GET', '/pagerduty', { user: 'pd-walk' });
    expect(s.body).toEqual({ connected: true, provider: 'pagerduty', status: 'connected', subdomain: ACCT, auth_method: 'api_token' });
    expect((await rt.request('GET', '/api/connectors/pagerduty/status', { user: 'pd-walk' })).body).toEqual(s.body);

    const d = await rt.request('DELETE', '/pagerduty', { user: 'pd-walk' });
    expect(d.status, d.text).toBe(200);
    expect(d.body).toEqual({ success: true, message: 'PagerDuty disconnected successfully' });
    expect(await record('pd-walk')).toBeNull();
    expect(await deps().secrets.exists(conn.secretRef!)).toBe(false);
    expect((await rt.request('GET', '/pagerduty', { user: 'pd-walk' })).body).toMatchObject({ connected: false, status: 'not_connected', reason: 'PagerDuty is not connected' });
  });

  it('a malformed token or an unknown field → 400 naming it, before any call; an unknown token → 401 naming api_token; nothing stored', async () => {
    const before = sim.requests.length;
    for (const [body, field] of [[{ api_token: 'short' }, 'api_token'], [{}, 'api_token'], [{ api_token: F.token, extra: 1 }, 'extra']] as const) {
      const r = await connect('pd-bad', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.field).toBe(field);
    }
    expect(sim.requests.length).toBe(before);
    const r = await connect('pd-bad', { apiToken: F.unknownToken });
    expect(r.status).toBe(401);
    expect(r.body.error).toMatchObject({ code: 'invalid_token', field: 'api_token' });
    expect(r.body.error.message).toMatch(/PagerDuty rejected the API token/);
    expect(await record('pd-bad')).toBeNull();
  });

  it('PagerDuty down → 503 after retries, nothing stored; a single blip is retried', async () => {
    sim.fail({ status: 503 });
    const r = await connect('pd-down', { api_token: F.token });
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('provider_unavailable');
    expect(await record('pd-down')).toBeNull();
    sim.reset();
    sim.fail({ status: 502, times: 1 });
    expect((await connect('pd-down', { api_token: F.token })).status).toBe(200);
  });

  it('PATCH /pagerduty rotates the token in place: same record and webhook, new secret; a token of another account or an unknown one changes nothing', async () => {
    await connect('pd-rot', { api_token: F.token });
    const hook = (await rt.request('GET', '/pagerduty/webhook-url', { user: 'pd-rot' })).body;
    const before = (await record('pd-rot'))!;

    const other = await rt.request('PATCH', '/pagerduty', { user: 'pd-rot', body: { api_token: F.otherToken } });
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({ code: 'account_mismatch', field: 'api_token' });
    const unknown = await rt.request('PATCH', '/pagerduty', { user: 'pd-rot', body: { api_token: F.unknownToken } });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.field).toBe('api_token');
    const bad = await rt.request('PATCH', '/pagerduty', { user: 'pd-rot', body: { api_token: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('api_token');
    expect(await storedSecret('pd-rot')).toEqual({ api_token: F.token });

    const r = await rt.request('PATCH', '/pagerduty', { user: 'pd-rot', body: { api_token: F.token2 } });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ success: true, message: 'PagerDuty API token updated', subdomain: ACCT });
    const after = (await record('pd-rot'))!;
    expect(after.secretRef).toBe(before.secretRef);
    expect(after.createdAt).toBe(before.createdAt);
    expect(await storedSecret('pd-rot')).toEqual({ api_token: F.token2 });
    expect((await rt.request('GET', '/pagerduty/webhook-url', { user: 'pd-rot' })).body.webhook_id).toBe(hook.webhook_id);
    // the old key can now be deleted in PagerDuty without breaking the connection
    sim.revoke(F.token);
    try {
      expect((await rt.request('GET', '/pagerduty', { user: 'pd-rot' })).body.status).toBe('connected');
    } finally {
      sim.restore(F.token);
    }
    expect((await rt.request('PATCH', '/pagerduty', { user: 'pd-none', body: { api_token: F.token } })).status).toBe(404);
  });

  it('a token deleted in PagerDuty flips status and the scheduled re-validation to error (credential kept); restored, connected again', async () => {
    await connect('pd-revoked', { api_token: F.readOnlyToken });
    sim.revoke(F.readOnlyToken);
    try {
      const run = await revalidateAll(deps(), { providers: ['pagerduty'] });
      expect(run.markedError).toBeGreaterThanOrEqual(1);
      expect((await record('pd-revoked'))?.status).toBe('error');
      const s = await rt.request('GET', '/pagerduty', { user: 'pd-revoked' });
      expect(s.body).toMatchObject({ connected: false, status: 'error', subdomain: ACCT });
      expect(s.body.reason).toMatch(/rejected the API token.*reconnect PagerDuty/);
      expect(await storedSecret('pd-revoked')).toEqual({ api_token: F.readOnlyToken });
    } finally {
      sim.restore(F.readOnlyToken);
    }
    const back = await revalidateAll(deps(), { providers: ['pagerduty'] });
    expect(back.recovered).toBeGreaterThanOrEqual(1);
    expect((await record('pd-revoked'))?.status).toBe('connected');
  });
  it('a 5xx during status records the outage on the connection; the next good check clears it', async () => {
    await connect('pd-fault', { api_token: F.token });
    sim.fail({ status: 500 });
    const s = await rt.request('GET', '/pagerduty', { user: 'pd-fault' });
    expect(s.body.status).toBe('error');
    expect(s.body.reason).toMatch(/unavailable/);
    sim.reset();
    expect((await rt.request('GET', '/pagerduty', { user: 'pd-fault' })).body.status).toBe('connected');
  });
});

describe('PagerDuty OAuth (NEXT_PUBLIC_ENABLE_PAGERDUTY_OAUTH)', () => {
  it('is 404 while the flag is off', async () => {
    const r = await rt.request('POST', '/pagerduty/oauth/login', { user: 'pd-off', body: {} });
    expect(r.status).toBe(404);
    expect((await rt.request('GET', '/pagerduty/oauth/callback?code=x&state=y', { user: null })).status).toBe(404);
  });

  it('connects with PKCE and a single-use state bound to this browser; another browser or a replay stores nothing', () =>
    oauthOn(async () => {
      const a = await oauthConnect('pd-oauth');
      const consentUrl = new URL(a.login.oauth_url);
      expect(consentUrl.searchParams.get('code_challenge_method')).toBe('S256');
      expect(consentUrl.searchParams.get('redirect_uri')).toMatch(/\/pagerduty\/oauth\/callback$/);
      expect(consentUrl.searchParams.get('scope')).toBe('read write');

      const elsewhere = await rt.request('GET', a.path, { user: null, jar: null });
      expect(loginOf(elsewhere).get('reason')).toBe('session_mismatch');
      expect(await record('pd-oauth')).toBeNull();

      const b = await oauthConnect('pd-oauth');
      const ok = await rt.request('GET', b.path, { user: null });
      expect(ok.status).toBe(302);
      expect(Object.fromEntries(loginOf(ok))).toMatchObject({ login: 'pagerduty_success', subdomain: ACCT });
      const conn = (await record('pd-oauth'))!;
      expect(conn.metadata).toEqual({ auth_method: 'oauth', subdomain: ACCT });
      expect(conn.accountName).toBe(`${ACCT} (${F.oauthUser.email})`);
      expect(Object.keys((await storedSecret('pd-oauth'))!).sort()).toEqual(['access_token', 'expires_at', 'refresh_token', 'scope', 'token_type']);

      const replay = await rt.request('GET', b.path, { user: null });
      expect(loginOf(replay).get('reason')).toBe('invalid_state');
      expect((await rt.request('GET', '/pagerduty', { user: 'pd-oauth' })).body).toMatchObject({ connected: true, auth_method: 'oauth' });
      // a token cannot be patched onto an OAuth connection
      expect((await rt.request('PATCH', '/pagerduty', { user: 'pd-oauth', body: { api_token: F.token } })).status).toBe(409);
    }));

  it('refreshes ahead of expiry, writing each rotated refresh token before using it; disconnect revokes the grant', () =>
    oauthOn(async () => {
      sim.setTokenLifetime(60); // inside the refresh skew: every use refreshes
      const a = await oauthConnect('pd-refresh');
      expect(loginOf(await rt.request('GET', a.path, { user: null })).get('login')).toBe('pagerduty_success');
      const first = (await storedSecret('pd-refresh')) as { refresh_token: string; access_token: string };
      const before = sim.counts().refreshes;
      expect((await rt.request('GET', '/pagerduty', { user: 'pd-refresh' })).body.status).toBe('connected');
      const second = (await storedSecret('pd-refresh')) as { refresh_token: string; access_token: string };
      expect(sim.counts().refreshes).toBe(before + 1);
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect(sim.isLive(first.refresh_token)).toBe(false);
      expect(sim.isLive(second.refresh_token)).toBe(true);
      expect((await rt.request('GET', '/pagerduty', { user: 'pd-refresh' })).body.status).toBe('connected');
      const third = (await storedSecret('pd-refresh')) as { refresh_token: string; access_token: string };
      expect(third.refresh_token).not.toBe(second.refresh_token);

      const revocations = sim.counts().revocations;
      expect((await rt.request('DELETE', '/pagerduty', { user: 'pd-refresh' })).status).toBe(200);
      expect(sim.counts().revocations).toBeGreaterThan(revocations);
      expect(sim.isLive(third.refresh_token)).toBe(false);
      expect(await record('pd-refresh')).toBeNull();
    }));
});

describe('PagerDuty v3 webhooks', () => {
  async function created(user: string, token = F.token) {
    expect((await connect(user, { api_token: token })).status).toBe(200);
    const r = await rt.request('POST', '/api/connectors/pagerduty/webhook', { user, body: {} });
    expect(r.status, r.text).toBe(200);
    const sub = sim.subscriptions(ACCT).find((s) => s.url === r.body.url)!;
    expect(sub).toBeDefined();
    return { view: r.body, sub };
  }
  const post = (path: string, body: string, headers: Record<string, string> = {}) => rt.request('POST', path, { user: null, rawBody: body, headers: { 'content-type': 'application/json', ...headers } });
  const sign = (secret: string, body: string) => `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const event = (over: Record<string, unknown> = {}) => JSON.stringify({ event: { id: `01EVT${Math.random().toString(36).slice(2)}`, event_type: 'incident.triggered', resource_type: 'incident', occurred_at: new Date().toISOString(), data: { id: 'PINC1', type: 'incident', title: 'Disk full', status: 'triggered', urgency: 'high', html_url: `https://${ACCT}.pagerduty.com/incidents/PINC1` }, ...over } });

  it('GET /pagerduty/webhook-url gives the exact URL (an unguessable id, never the user id) and says to let Aurora create it', async () => {
    await connect('pd-setup', { api_token: F.token });
    const s = await rt.request('GET', '/pagerduty/webhook-url', { user: 'pd-setup' });
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ connector: 'pagerduty', account_id: ACCT, method: 'POST', created_in_tool: false, create_path: '/api/connectors/pagerduty/webhook' });
    expect(s.body.url).toMatch(new RegExp(`/pagerduty/webhook/${s.body.webhook_id}$`));
    expect(s.body.url).not.toContain('pd-setup');
    expect(s.body.steps.join(' ')).toMatch(/PagerDuty chooses the signing secret/);
  });

  it('creates the subscription through the API and keeps the secret PagerDuty returned; a signed delivery is stored once even delivered three times', async () => {
    const { view, sub } = await created('pd-hook');
    expect(view).toMatchObject({ created_in_tool: true, secret: null });
    expect(JSON.stringify(view)).not.toContain(sub.secret);
    expect(sub.events).toEqual(expect.arrayContaining(['incident.triggered', 'incident.acknowledged', 'incident.resolved']));
    const reg = (await getRegistration(deps(), { userId: 'pd-hook', provider: 'pagerduty', accountId: ACCT }))!;
    expect(reg.secretSource).toBe('tool');

    const d = await sim.deliver(sub.id, { type: 'incident.triggered', title: 'Checkout is down' });
    expect(d.status, d.body).toBe(200);
    expect(JSON.parse(d.body)).toMatchObject({ stored: 1 });
    const path = new URL(sub.url).pathname;
    for (let i = 0; i < 2; i++) {
      const again = await post(path, d.rawBody, { 'x-pagerduty-signature': sign(sub.secret, d.rawBody) });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ stored: 0, duplicates: 1 });
    }
    const alerts = await alertsOf('pd-hook');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ connector: 'pagerduty', type: 'incident.triggered', severity: 'error', title: 'Checkout is down', status: 'triggered' });
    const listed = await rt.request('GET', '/api/alerts?connector=pagerduty', { user: 'pd-hook' });
    expect(listed.body.alerts).toEqual([expect.objectContaining({ connector: 'pagerduty', event_id: d.eventId, status: 'triggered' })]);

    // acknowledged and resolved arrive as their own events; several v1= signatures (a secret rotating) are fine
    expect((await sim.deliver(sub.id, { type: 'incident.acknowledged', urgency: 'low' }, { extraSignatures: ['v1=' + '0'.repeat(64)] })).status).toBe(200);
    expect((await sim.deliver(sub.id, { type: 'incident.resolved' })).status).toBe(200);
    expect((await alertsOf('pd-hook')).map((a) => a.status).sort()).toEqual(['acknowledged', 'resolved', 'triggered']);
  });

  it('unsigned, wrongly signed, stale, wrong-id and another connection’s deliveries → 401 with nothing stored', async () => {
    const { sub } = await created('pd-refuse');
    const { sub: other } = await created('pd-other', F.token2);
    const path = new URL(sub.url).pathname;
    const body = event();
    const stale = event({ occurred_at: new Date(Date.now() - 3600_000).toISOString() });
    for (const [p, b, headers] of [
      [path, body, {}],
      [path, body, { 'x-pagerduty-signature': sign('not-the-secret', body) }],
      [path, body, { 'x-pagerduty-signature': sign(sub.secret, body).replace('v1=', 'v0=') }],
      [path, body, { 'x-pagerduty-signature': sign(sub.secret, `${body} `) }],
      [path, stale, { 'x-pagerduty-signature': sign(sub.secret, stale) }],
      [`/pagerduty/webhook/${'x'.repeat(32)}`, body, { 'x-pagerduty-signature': sign(sub.secret, body) }],
      // the other user's secret on this user's id, and this user's delivery on the other's id
      [path, body, { 'x-pagerduty-signature': sign(other.secret, body) }],
      [new URL(other.url).pathname, body, { 'x-pagerduty-signature': sign(sub.secret, body) }],
    ] as const) {
      const r = await post(p, b, headers as Record<string, string>);
      expect(r.status, `${p} ${JSON.stringify(headers)}`).toBe(401);
    }
    expect(await alertsOf('pd-refuse')).toEqual([]);
    expect(await alertsOf('pd-other')).toEqual([]);
  });

  it('a read-only key may not create the subscription → 403 saying how; disconnect deletes the subscription it created', async () => {
    await connect('pd-ro', { api_token: F.readOnlyToken });
    const r = await rt.request('POST', '/api/connectors/pagerduty/webhook', { user: 'pd-ro', body: {} });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('webhook_forbidden');

    const { sub } = await created('pd-bye');
    const reg = (await getRegistration(deps(), { userId: 'pd-bye', provider: 'pagerduty', accountId: ACCT }))!;
    expect((await rt.request('DELETE', '/pagerduty', { user: 'pd-bye' })).status).toBe(200);
    expect(sim.subscriptions().find((s) => s.id === sub.id)).toBeUndefined();
    expect(await deps().secrets.exists(reg.secretRef)).toBe(false);
    expect(await getRegistration(deps(), { userId: 'pd-bye', provider: 'pagerduty', accountId: ACCT })).toBeNull();
  });
});
