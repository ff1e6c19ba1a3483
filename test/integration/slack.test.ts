import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../lib/config.ts';
import { deps } from '../../lib/deps.ts';
import { getConnection } from '../../lib/connections/repo.ts';
import { CookieJar } from '../../lib/local/cookie-jar.ts';
import { setRetryDelayScale } from '../../lib/provider-http.ts';
import { revalidateAll } from '../../lib/connectors/revalidate.ts';
import { SLACK_FIXTURES as F, type SlackSimulator } from '../../lib/connectors/slack/simulator.ts';
import { findLeaks, startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

const [AURORA, OTHER] = F.teams;
const SCOPES = 'chat:write,channels:read,channels:history,channels:join,app_mentions:read,users:read';

let rt: TestRuntime;
let sim: SlackSimulator;

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

/** POST /slack → the simulated install page approves (into `team`, Slack's team= hint) → the code and state it redirects back with */
async function authorize(user: string, opts: { team?: string; jar?: CookieJar } = {}) {
  const start = await rt.request('POST', '/slack', { user, jar: opts.jar });
  expect(start.status, start.text).toBe(200);
  const consent = new URL(start.body.oauth_url);
  if (opts.team) consent.searchParams.set('team', opts.team);
  const r = await fetch(consent, { redirect: 'manual' });
  expect(r.status).toBe(302);
  const back = new URL(r.headers.get('location')!);
  return { url: new URL(start.body.oauth_url), back, code: back.searchParams.get('code') ?? '', state: back.searchParams.get('state') ?? '' };
}
const callback = (params: Record<string, string>, opts: { user?: string | null; jar?: CookieJar } = {}) => rt.request('GET', `/slack/callback?${new URLSearchParams(params)}`, { user: opts.user ?? null, jar: opts.jar });
const loginOf = (r: { headers: Headers }) => Object.fromEntries(new URL(r.headers.get('location')!).searchParams);
const record = (user: string, team = AURORA) => getConnection(deps().db, { userId: user, provider: 'slack', accountId: team.id });

async function connect(user: string, team = AURORA) {
  const a = await authorize(user, { team: team.id });
  expect(loginOf(await callback({ code: a.code, state: a.state }))).toEqual({ login: 'slack_success', team: team.name });
}

/** An Events API request as Slack signs it (v0: HMAC-SHA256 of "v0:<timestamp>:<body>") */
function signed(body: string, ts = Math.floor(Date.now() / 1000), secret = F.app.signingSecret) {
  return { 'content-type': 'application/json', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}` };
}
const events = (body: string, headers: Record<string, string>) => rt.request('POST', '/slack/events', { user: null, rawBody: body, headers });

beforeAll(async () => {
  setRetryDelayScale(0.001);
  // the seed's flag name turns the connector on
  rt = await startTestRuntime({ simulate: true, env: { NEXT_PUBLIC_ENABLE_SLACK: 'true', SLACK_HTTP_TIMEOUT_MS: '300' } });
  sim = rt.runtime.simulators.find((s) => s.name === 'slack') as SlackSimulator;
});
afterEach(() => sim.reset());
afterAll(async () => {
  expect(findLeaks([...rt.responses, ...rt.logs], sim.issued())).toEqual([]);
  await rt.close();
  setRetryDelayScale(1);
  delete process.env.NEXT_PUBLIC_ENABLE_SLACK;
});

describe('Slack install → callback → status → disconnect', () => {
  it("installs with the seed's bot scopes and PKCE, keeps the bot token in the secret store only, shows the workspace like a cloud", async () => {
    const a = await authorize('sl-walk');
    expect(a.url.pathname).toBe('/oauth/v2/authorize');
    expect(Object.fromEntries(a.url.searchParams)).toMatchObject({ client_id: F.app.clientId, redirect_uri: `http://localhost:${rt.runtime.gateway.port}/slack/callback`, scope: SCOPES, user_scope: '', code_challenge_method: 'S256' });
    expect(a.url.searchParams.get('state')).not.toContain('sl-walk');
    expect(a.url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const cb = await callback({ code: a.code, state: a.state });
    expect(loginOf(cb)).toEqual({ login: 'slack_success', team: AURORA.name });
    expect(cb.headers.get('location')).not.toContain(a.code);
    expect(sim.requests).toEqual(expect.arrayContaining(['POST /api/oauth.v2.access', 'POST /api/auth.test']));

    const list = await rt.request('GET', '/api/user_connections', { user: 'sl-walk' });
    expect(list.body).toEqual([expect.objectContaining({ provider: 'slack', account_id: AURORA.id, account_name: AURORA.name, status: 'connected' })]);
    const conn = (await record('sl-walk'))!;
    expect(conn.metadata).toMatchObject({ team: AURORA.name, bot_user: AURORA.botUser, bot_user_id: AURORA.botUserId, app_id: F.app.appId, scopes: SCOPES });
    const stored = (await deps().secrets.get(conn.secretRef!))!.reveal();
    expect(stored).toMatchObject({ access_token: expect.stringMatching(/^xoxb-/), token_type: 'bot', team_id: AURORA.id, bot_user_id: AURORA.botUserId });
    expect(JSON.stringify(conn)).not.toContain(stored.access_token);

    const s = await rt.request('GET', '/slack', { user: 'sl-walk' });
    expect(s.body).toEqual({ connected: true, provider: 'slack', status: 'connected', team: AURORA.name, team_id: AURORA.id, bot_user: AURORA.botUser, bot_user_id: AURORA.botUserId });
    expect((await rt.request('GET', '/api/connectors/slack/status', { user: 'sl-walk' })).body).toEqual(s.body);

    expect(sim.liveTokens(AURORA.id)).toBeGreaterThanOrEqual(1);
    const before = sim.liveTokens(AURORA.id);
    const d = await rt.request('DELETE', '/slack', { user: 'sl-walk' });
    expect(d.status).toBe(200);
    expect(d.body).toEqual({ success: true, message: 'Slack disconnected successfully' });
    // auth.revoke with the bot token: Slack no longer accepts it
    expect(sim.requests).toContain('POST /api/auth.revoke');
    expect(sim.liveTokens(AURORA.id)).toBe(before - 1);
    const gone = await (await fetch(`${sim.url}/api/auth.test`, { method: 'POST', headers: { authorization: `Bearer ${stored.access_token}` } })).json();
    expect(gone).toEqual({ ok: false, error: 'token_revoked' });
    expect(await record('sl-walk')).toBeNull();
    expect(await deps().secrets.exists(conn.secretRef!)).toBe(false);
    expect((await rt.request('GET', '/slack', { user: 'sl-walk' })).body).toEqual({ connected: false, provider: 'slack', status: 'not_connected', reason: 'Slack is not connected', team: null, team_id: null, bot_user: null, bot_user_id: null });
  });

  it('one connection per workspace; GET /api/auth/slack starts the same flow', async () => {
    await connect('sl-two', AURORA);
    const g = await rt.request('GET', '/api/auth/slack', { user: 'sl-two' });
    expect(g.status).toBe(302);
    const consent = new URL(g.headers.get('location')!);
    consent.searchParams.set('team', OTHER.id);
    const back = new URL((await fetch(consent, { redirect: 'manual' })).headers.get('location')!);
    expect(loginOf(await rt.request('GET', `/api/auth/slack/callback?${back.searchParams}`, { user: null }))).toEqual({ login: 'slack_success', team: OTHER.name });
    const list = (await rt.request('GET', '/api/user_connections', { user: 'sl-two' })).body;
    expect(list.map((c: { account_id: string }) => c.account_id).sort()).toEqual([AURORA.id, OTHER.id].sort());
    expect((await rt.request('GET', `/slack?account_id=${OTHER.id}`, { user: 'sl-two' })).body).toMatchObject({ connected: true, team: OTHER.name, bot_user_id: OTHER.botUserId });
  });

  it('the app unset → 500 naming the settings; the flag off → every Slack route is 404', async () => {
    await withEnv({ SLACK_CLIENT_SECRET: undefined }, async () => {
      const r = await rt.request('POST', '/slack', { user: 'sl-unset' });
      expect(r.status).toBe(500);
      expect(r.body.error.message).toBe('Slack app not configured: set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET');
    });
    await connect('sl-flag');
    await withEnv({ NEXT_PUBLIC_ENABLE_SLACK: 'false' }, async () => {
      for (const [method, path] of [['POST', '/slack'], ['GET', '/slack'], ['DELETE', '/slack'], ['GET', '/slack/callback?state=x'], ['POST', '/slack/events']] as const) {
        expect((await rt.request(method, path, { user: 'sl-flag', body: method === 'GET' ? undefined : {} })).status, `${method} ${path}`).toBe(404);
      }
      expect((await rt.request('GET', '/api/user_connections', { user: 'sl-flag' })).body).toEqual([]);
    });
    expect((await rt.request('GET', '/slack', { user: 'sl-flag' })).body.connected).toBe(true);
  });
});

describe('Slack callback refusals: nothing stored', () => {
  it('a forged or replayed state → invalid_state; another browser → session_mismatch', async () => {
    const a = await authorize('sl-state');
    expect(loginOf(await callback({ code: a.code, state: 'forged-state-value-0123456789' }))).toEqual({ login: 'slack_failed', reason: 'invalid_state' });
    expect(loginOf(await callback({ code: a.code, state: a.state })).login).toBe('slack_success');
    expect(loginOf(await callback({ code: a.code, state: a.state }))).toEqual({ login: 'slack_failed', reason: 'invalid_state' });
    const starter = new CookieJar();
    const b = await authorize('sl-bind', { jar: starter });
    expect(loginOf(await callback({ code: b.code, state: b.state }, { jar: new CookieJar() }))).toEqual({ login: 'slack_failed', reason: 'session_mismatch' });
    expect(await record('sl-bind')).toBeNull();
  });

  it("another user's callback → invalid_state", async () => {
    const a = await authorize('sl-victim');
    expect(loginOf(await callback({ code: a.code, state: a.state }, { user: 'sl-attacker' })).reason).toBe('invalid_state');
    expect(await record('sl-victim')).toBeNull();
    expect((await rt.request('GET', '/api/user_connections', { user: 'sl-attacker' })).body).toEqual([]);
  });

  it("the user cancelling → access_denied; a code Slack will not redeem (200 ok:false invalid_code) → that reason", async () => {
    sim.denyNext();
    const a = await authorize('sl-deny');
    expect(loginOf(await callback({ state: a.state, error: a.back.searchParams.get('error')! }))).toEqual({ login: 'slack_failed', reason: 'access_denied' });
    const b = await authorize('sl-deny');
    expect(loginOf(await callback({ code: '1234.not-a-code', state: b.state }))).toEqual({ login: 'slack_failed', reason: 'invalid_code' });
    expect(await record('sl-deny')).toBeNull();
  });

  it('a wrong PKCE verifier is refused by oauth.v2.access, and the code is spent', async () => {
    const a = await authorize('sl-pkce');
    const direct = await fetch(`${sim.url}/api/oauth.v2.access`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: F.app.clientId, client_secret: F.app.clientSecret, code: a.code, redirect_uri: a.url.searchParams.get('redirect_uri')!, code_verifier: 'y'.repeat(43) }),
    });
    expect(await direct.json()).toEqual({ ok: false, error: 'invalid_code_verifier' });
    expect(loginOf(await callback({ code: a.code, state: a.state })).reason).toBe('invalid_code');
  });

  it('Slack down during the exchange → provider_unavailable', async () => {
    const a = await authorize('sl-down');
    sim.fail({ status: 503, path: /oauth\.v2\.access/ });
    expect(loginOf(await callback({ code: a.code, state: a.state }))).toEqual({ login: 'slack_failed', reason: 'provider_unavailable' });
    expect(await record('sl-down')).toBeNull();
  });
});

describe('Slack live checks', () => {
  it('the app removed from the workspace flips status to error (token kept); reinstalled, connected again', async () => {
    await connect('sl-revoked');
    const ref = (await record('sl-revoked'))!.secretRef!;
    sim.uninstall(AURORA.id);
    try {
      const s = await rt.request('GET', '/slack', { user: 'sl-revoked' });
      expect(s.body).toMatchObject({ connected: false, status: 'error', team: AURORA.name });
      expect(s.body.reason).toMatch(/token_revoked/);
      expect(await deps().secrets.exists(ref)).toBe(true);
    } finally {
      sim.reinstall(AURORA.id);
    }
    expect((await rt.request('GET', '/slack', { user: 'sl-revoked' })).body).toMatchObject({ connected: true, status: 'connected' });
  });

  it('rate limited or down during status: the outage is recorded, then cleared', async () => {
    await connect('sl-fault');
    sim.fail({ status: 429, path: /auth\.test/ });
    const s = await rt.request('GET', '/slack', { user: 'sl-fault' });
    expect(s.body.status).toBe('error');
    expect(s.body.reason).toMatch(/unavailable/);
    sim.reset();
    expect((await rt.request('GET', '/slack', { user: 'sl-fault' })).body.status).toBe('connected');
  });

  it('scheduled re-validation flips on removal and back on reinstall', async () => {
    await connect('sl-cron');
    sim.uninstall(AURORA.id);
    try {
      const run = await revalidateAll(deps(), { providers: ['slack'] });
      expect(run.markedError).toBeGreaterThanOrEqual(1);
      expect((await record('sl-cron'))?.statusReason).toMatch(/token_revoked/);
    } finally {
      sim.reinstall(AURORA.id);
    }
    expect((await revalidateAll(deps(), { providers: ['slack'] })).recovered).toBeGreaterThanOrEqual(1);
    expect((await record('sl-cron'))?.status).toBe('connected');
  });

  it("another user's workspace id answers 404; a malformed one 400 naming account_id", async () => {
    await connect('sl-owner');
    expect((await rt.request('GET', `/slack?account_id=${AURORA.id}`, { user: 'sl-stranger' })).status).toBe(404);
    expect((await rt.request('DELETE', '/api/auth/slack/disconnect', { user: 'sl-stranger', body: { account_id: AURORA.id } })).status).toBe(404);
    const bad = await rt.request('GET', '/slack?account_id=not-a-team', { user: 'sl-stranger' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('account_id');
    expect((await record('sl-owner'))?.status).toBe('connected');
  });
});

describe('POST /slack/events (v0 signature, 5-minute replay window)', () => {
  it('answers the url_verification challenge of a signed request', async () => {
    const r = await sim.sendEvent(`${rt.url}/slack/events`, { token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('acknowledges a signed event callback', async () => {
    const r = await sim.sendEvent(`${rt.url}/slack/events`, { type: 'event_callback', team_id: AURORA.id, api_app_id: F.app.appId, event_id: 'Ev0SIM0001', event_time: 1700000000, event: { type: 'app_mention', user: 'U0SIMUSER1', text: '<@U0SIMBOT01> status?', channel: 'C0SIMALERTS', ts: '1700000000.000100' } });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ok: true });
  });

  it('unsigned, wrongly signed, signed with another secret, tampered, or outside the 5-minute window → 401', async () => {
    const body = JSON.stringify({ type: 'url_verification', challenge: 'c'.repeat(20) });
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string, Record<string, string>, string?]> = [
      ['unsigned', { 'content-type': 'application/json' }],
      ['no timestamp', { ...signed(body), 'x-slack-request-timestamp': '' }],
      ['wrong signature', { ...signed(body), 'x-slack-signature': `v0=${'0'.repeat(64)}` }],
      ['another secret', signed(body, now, 'not-the-signing-secret')],
      ['tampered body', signed(body), body.replace('c', 'd')],
      ['6 minutes old', signed(body, now - 360)],
      ['6 minutes ahead', signed(body, now + 360)],
      ['timestamp re-signed under the old signature', { ...signed(body, now - 360), 'x-slack-request-timestamp': String(now) }],
    ];
    for (const [label, headers, sent] of cases) {
      const r = await events(sent ?? body, headers);
      expect(r.status, label).toBe(401);
      expect(r.body.error.code, label).toBe('slack_unauthorized');
      expect(r.text, label).not.toContain('c'.repeat(20));
    }
    // four minutes old is still inside the window
    expect((await events(body, signed(body, now - 240))).status).toBe(200);
  });

  it('a signed body that is not an Events API request → 400 naming the field; the window follows its setting', async () => {
    const notJson = 'payload=%7B%7D';
    expect((await events(notJson, signed(notJson))).body.error.field).toBe('body');
    const odd = JSON.stringify({ type: 'block_actions' });
    const r = await events(odd, signed(odd));
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('type');
    await withEnv({ SLACK_EVENTS_REPLAY_WINDOW_SECONDS: '60' }, async () => {
      const body = JSON.stringify({ type: 'url_verification', challenge: 'abc' });
      expect((await events(body, signed(body, Math.floor(Date.now() / 1000) - 120))).status).toBe(401);
    });
  });

  it('without SLACK_SIGNING_SECRET nothing is accepted', async () => {
    await withEnv({ SLACK_SIGNING_SECRET: undefined }, async () => {
      const body = JSON.stringify({ type: 'url_verification', challenge: 'abc' });
      const r = await events(body, signed(body));
      expect(r.status).toBe(500);
      expect(r.body.error.message).toBe('Slack events not configured: set SLACK_SIGNING_SECRET');
    });
  });
});
