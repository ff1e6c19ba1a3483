import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../lib/config.ts';
import { deps } from '../../lib/deps.ts';
import { getConnection } from '../../lib/connections/repo.ts';
import { listAlerts } from '../../lib/alerts/store.ts';
import { CookieJar } from '../../lib/local/cookie-jar.ts';
import { setRetryDelayScale } from '../../lib/provider-http.ts';
import { revalidateAll } from '../../lib/connectors/revalidate.ts';
import { getRegistration } from '../../lib/webhooks/registry.ts';
import { GITHUB_FIXTURES as F, type GithubSimulator } from '../../lib/connectors/github/simulator.ts';
import { findLeaks, startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

const LOGIN = '/github/login';
const CALLBACK = '/github/callback';
const STATUS = '/github/status';
const DISCONNECT = '/github/disconnect';
const [OCTO, HUBOT] = F.accounts;

let rt: TestRuntime;
let sim: GithubSimulator;

/** login → the simulated consent page approves (as `as`, GitHub's login= hint) → the code and state it redirects back with */
async function authorize(user: string, opts: { as?: string; jar?: CookieJar } = {}) {
  const start = await rt.request('POST', LOGIN, { user, jar: opts.jar });
  expect(start.status, start.text).toBe(200);
  const consent = new URL(start.body.oauth_url);
  if (opts.as) consent.searchParams.set('login', opts.as);
  const r = await fetch(consent, { redirect: 'manual' });
  expect(r.status).toBe(302);
  const back = new URL(r.headers.get('location')!);
  return { url: new URL(start.body.oauth_url), back, code: back.searchParams.get('code') ?? '', state: back.searchParams.get('state') ?? '' };
}
const callback = (params: Record<string, string>, opts: { user?: string | null; jar?: CookieJar } = {}) => rt.request('GET', `${CALLBACK}?${new URLSearchParams(params)}`, { user: opts.user ?? null, jar: opts.jar });
const loginOf = (r: { headers: Headers }) => Object.fromEntries(new URL(r.headers.get('location')!).searchParams);
const record = (user: string, acct = OCTO) => getConnection(deps().db, { userId: user, provider: 'github', accountId: String(acct.id) });

async function connect(user: string, as = OCTO.login) {
  const a = await authorize(user, { as });
  const r = await callback({ code: a.code, state: a.state });
  expect(loginOf(r)).toEqual({ login: 'github_success', account: as });
}

beforeAll(async () => {
  setRetryDelayScale(0.001);
  rt = await startTestRuntime({ simulate: true, env: { GITHUB_HTTP_TIMEOUT_MS: '300' } });
  sim = rt.runtime.simulators.find((s) => s.name === 'github') as GithubSimulator;
});
afterEach(() => sim.reset());
afterAll(async () => {
  expect(findLeaks([...rt.responses, ...rt.logs], sim.issued())).toEqual([]);
  await rt.close();
  setRetryDelayScale(1);
});

describe('GitHub login → consent → callback → status → disconnect', () => {
  it('walks the OAuth App flow with PKCE, keeps the token in the secret store only, shows the account like a cloud', async () => {
    const a = await authorize('gh-walk');
    expect(a.url.pathname).toBe('/login/oauth/authorize');
    expect(Object.fromEntries(a.url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: F.client.clientId,
      redirect_uri: `http://localhost:${rt.runtime.gateway.port}/github/callback`,
      scope: 'repo read:org read:user',
      code_challenge_method: 'S256',
    });
    expect(a.url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const cb = await callback({ code: a.code, state: a.state });
    expect(cb.status).toBe(302);
    expect(loginOf(cb)).toEqual({ login: 'github_success', account: OCTO.login });
    expect(cb.headers.get('location')).not.toContain(a.code);
    expect(sim.requests).toEqual(expect.arrayContaining(['POST /login/oauth/access_token', 'GET /api/v3/user']));

    const list = await rt.request('GET', '/api/user_connections', { user: 'gh-walk' });
    expect(list.body).toEqual([expect.objectContaining({ provider: 'github', account_id: String(OCTO.id), account_name: OCTO.login, status: 'connected' })]);
    const conn = (await record('gh-walk'))!;
    expect(conn.metadata).toEqual({ login: OCTO.login, name: OCTO.name, scopes: 'read:org,read:user,repo' });
    const stored = (await deps().secrets.get(conn.secretRef!))!.reveal();
    expect(stored).toEqual({ access_token: expect.stringMatching(/^gho_[A-Za-z0-9]{36}$/), token_type: 'bearer', scope: 'read:org,read:user,repo' });
    expect(JSON.stringify(conn)).not.toContain(stored.access_token);

    const s = await rt.request('GET', STATUS, { user: 'gh-walk' });
    expect(s.body).toEqual({ connected: true, provider: 'github', status: 'connected', login: OCTO.login, name: OCTO.name, scopes: 'read:org,read:user,repo' });
    expect((await rt.request('GET', '/api/connectors/github/status', { user: 'gh-walk' })).body).toEqual(s.body);

    expect(sim.liveTokens(OCTO.login)).toBeGreaterThanOrEqual(1);
    const d = await rt.request('POST', DISCONNECT, { user: 'gh-walk' });
    expect(d.status).toBe(200);
    expect(d.body).toEqual({ success: true, message: 'GitHub disconnected successfully' });
    // the grant was revoked through the applications API: the token no longer works at GitHub
    expect(sim.requests).toContain(`DELETE /api/v3/applications/${F.client.clientId}/grant`);
    expect(sim.liveTokens(OCTO.login)).toBe(0);
    const gone = await fetch(`${sim.url}/api/v3/user`, { headers: { authorization: `Bearer ${stored.access_token}` } });
    expect(gone.status).toBe(401);
    expect(await record('gh-walk')).toBeNull();
    expect(await deps().secrets.exists(conn.secretRef!)).toBe(false);
    expect((await rt.request('GET', STATUS, { user: 'gh-walk' })).body).toEqual({ connected: false, provider: 'github', status: 'not_connected', reason: 'GitHub is not connected', login: null, name: null, scopes: null });
  });

  it('GET /api/auth/github starts the same flow; its callback alias finishes it', async () => {
    const g = await rt.request('GET', '/api/auth/github', { user: 'gh-generic' });
    expect(g.status).toBe(302);
    const consent = new URL(g.headers.get('location')!);
    consent.searchParams.set('login', HUBOT.login);
    const back = new URL((await fetch(consent, { redirect: 'manual' })).headers.get('location')!);
    const r = await rt.request('GET', `/api/auth/github/callback?${back.searchParams}`, { user: null });
    expect(loginOf(r)).toEqual({ login: 'github_success', account: HUBOT.login });
    const s = await rt.request('GET', STATUS, { user: 'gh-generic' });
    // a GitHub account without a display name
    expect(s.body).toMatchObject({ connected: true, login: HUBOT.login, name: null });
  });

  it('the OAuth App unset → 500 naming both settings, never a value', async () => {
    const saved = process.env.GH_OAUTH_CLIENT_SECRET;
    delete process.env.GH_OAUTH_CLIENT_SECRET;
    resetConfig();
    try {
      const r = await rt.request('POST', LOGIN, { user: 'gh-unset' });
      expect(r.status).toBe(500);
      expect(r.body.error.message).toBe('GitHub OAuth App not configured: set GH_OAUTH_CLIENT_ID and GH_OAUTH_CLIENT_SECRET');
    } finally {
      process.env.GH_OAUTH_CLIENT_SECRET = saved;
      resetConfig();
    }
  });

  it('a body on the login → 400 naming the field', async () => {
    const r = await rt.request('POST', LOGIN, { user: 'gh-body', body: { scope: 'admin:org' } });
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('scope');
  });
});

describe('GitHub callback refusals: nothing stored', () => {
  it('a forged, replayed or missing state → invalid_state', async () => {
    const a = await authorize('gh-state');
    expect(loginOf(await callback({ code: a.code, state: 'forged-state-value-0123456789' }))).toEqual({ login: 'github_failed', reason: 'invalid_state' });
    expect(loginOf(await callback({ code: a.code }))).toEqual({ login: 'github_failed', reason: 'invalid_state' });
    expect(loginOf(await callback({ code: a.code, state: a.state })).login).toBe('github_success');
    expect(loginOf(await callback({ code: a.code, state: a.state }))).toEqual({ login: 'github_failed', reason: 'invalid_state' });
  });

  it('another browser (not the one that started the login) → session_mismatch; the state is spent', async () => {
    const starter = new CookieJar();
    const a = await authorize('gh-bind', { jar: starter });
    const r = await callback({ code: a.code, state: a.state }, { jar: new CookieJar() });
    expect(loginOf(r)).toEqual({ login: 'github_failed', reason: 'session_mismatch' });
    expect(await record('gh-bind')).toBeNull();
    expect(loginOf(await callback({ code: a.code, state: a.state }, { jar: starter })).reason).toBe('invalid_state');
  });

  it("another user's callback → invalid_state, nothing attaches to either", async () => {
    const a = await authorize('gh-victim');
    const r = await callback({ code: a.code, state: a.state }, { user: 'gh-attacker' });
    expect(loginOf(r).reason).toBe('invalid_state');
    expect(await record('gh-victim')).toBeNull();
    expect((await rt.request('GET', '/api/user_connections', { user: 'gh-attacker' })).body).toEqual([]);
  });

  it('the user refusing consent → access_denied; no code → missing_code', async () => {
    sim.denyNext();
    const a = await authorize('gh-deny');
    expect(a.code).toBe('');
    expect(loginOf(await callback({ state: a.state, error: a.back.searchParams.get('error')! }))).toEqual({ login: 'github_failed', reason: 'access_denied' });
    const b = await authorize('gh-deny');
    expect(loginOf(await callback({ state: b.state }))).toEqual({ login: 'github_failed', reason: 'missing_code' });
    expect(await record('gh-deny')).toBeNull();
  });

  it("a code GitHub will not redeem (200 with bad_verification_code, GitHub's way) → that reason, not a fault", async () => {
    const a = await authorize('gh-badcode');
    const r = await callback({ code: 'not-a-code-github-issued', state: a.state });
    expect(loginOf(r)).toEqual({ login: 'github_failed', reason: 'bad_verification_code' });
    expect(await record('gh-badcode')).toBeNull();
  });

  it('a wrong PKCE verifier is refused by the token endpoint', async () => {
    // the flow's verifier stays with the state; a code redeemed without it (as a thief would) fails at GitHub
    const a = await authorize('gh-pkce');
    const direct = await fetch(`${sim.url}/login/oauth/access_token`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: F.client.clientId, client_secret: F.client.clientSecret, code: a.code, redirect_uri: a.url.searchParams.get('redirect_uri')!, code_verifier: 'x'.repeat(43) }),
    });
    expect(await direct.json()).toMatchObject({ error: 'bad_verification_code' });
    // and the code is spent: the real callback cannot use it either
    expect(loginOf(await callback({ code: a.code, state: a.state })).reason).toBe('bad_verification_code');
  });

  it('GitHub down during the exchange → provider_unavailable, nothing stored', async () => {
    const a = await authorize('gh-down');
    sim.fail({ status: 503, path: /access_token/ });
    expect(loginOf(await callback({ code: a.code, state: a.state }))).toEqual({ login: 'github_failed', reason: 'provider_unavailable' });
    expect(await record('gh-down')).toBeNull();
  });
});

describe('GitHub live checks', () => {
  it('the user revoking the app in GitHub flips status to error (token kept); restored, it is connected again', async () => {
    await connect('gh-revoked');
    const ref = (await record('gh-revoked'))!.secretRef!;
    sim.revokeUser(OCTO.login);
    try {
      const s = await rt.request('GET', STATUS, { user: 'gh-revoked' });
      expect(s.body).toMatchObject({ connected: false, status: 'error', login: OCTO.login });
      expect(s.body.reason).toMatch(/Bad credentials/);
      expect(await deps().secrets.exists(ref)).toBe(true);
    } finally {
      sim.restoreUser(OCTO.login);
    }
    expect((await rt.request('GET', STATUS, { user: 'gh-revoked' })).body).toMatchObject({ connected: true, status: 'connected' });
  });

  it('a 5xx during status records the outage; the next good check clears it', async () => {
    await connect('gh-fault');
    sim.fail({ status: 500, path: /\/user$/ });
    const s = await rt.request('GET', STATUS, { user: 'gh-fault' });
    expect(s.body.status).toBe('error');
    expect(s.body.reason).toMatch(/unavailable/);
    sim.reset();
    expect((await rt.request('GET', STATUS, { user: 'gh-fault' })).body.status).toBe('connected');
  });

  it('scheduled re-validation flips on revocation and back on restoration', async () => {
    await connect('gh-cron');
    sim.revokeUser(OCTO.login);
    try {
      const run = await revalidateAll(deps(), { providers: ['github'] });
      expect(run.markedError).toBeGreaterThanOrEqual(1);
      expect((await record('gh-cron'))?.status).toBe('error');
      expect((await record('gh-cron'))?.statusReason).toMatch(/Bad credentials/);
    } finally {
      sim.restoreUser(OCTO.login);
    }
    const back = await revalidateAll(deps(), { providers: ['github'] });
    expect(back.recovered).toBeGreaterThanOrEqual(1);
    expect((await record('gh-cron'))?.status).toBe('connected');
  });

  it("another user sees nothing of the first user's account; its id answers 404", async () => {
    await connect('gh-owner');
    expect((await rt.request('GET', '/api/user_connections', { user: 'gh-stranger' })).body).toEqual([]);
    const s = await rt.request('GET', `${STATUS}?account_id=${OCTO.id}`, { user: 'gh-stranger' });
    expect(s.status).toBe(404);
    expect(s.body.error.field).toBe('account_id');
    const bad = await rt.request('GET', `${STATUS}?account_id=octo-sim`, { user: 'gh-stranger' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('account_id');
  });
});

describe('GitHub webhooks (X-Hub-Signature-256)', () => {
  const workflowFailed = (n = 1) => ({
    action: 'completed',
    workflow_run: { id: 30433642 + n, name: 'CI', conclusion: 'failure', status: 'completed', html_url: 'https://github.com/octo-sim/hello-world/actions/runs/30433642', updated_at: '2026-12-02T07:00:00Z' },
    repository: { full_name: 'octo-sim/hello-world', html_url: 'https://github.com/octo-sim/hello-world' },
  });
  const setupOf = async (user: string) => {
    const r = await rt.request('GET', '/api/connectors/github/webhook', { user });
    expect(r.status, r.text).toBe(200);
    return r.body as { url: string; secret: string; webhook_id: string; settings: Record<string, unknown>; steps: string[] };
  };
  const alertsOf = async (user: string) => (await listAlerts(deps(), user, { limit: 100 })).alerts;

  it('what to configure: the URL with an unguessable id, the secret, the content type', async () => {
    await connect('gh-hook-setup');
    const s = await setupOf('gh-hook-setup');
    expect(s.url).toMatch(new RegExp(`/github/webhook/${s.webhook_id}$`));
    expect(s.url).not.toContain('gh-hook-setup');
    expect(s.settings).toMatchObject({ payload_url: s.url, content_type: 'application/json', secret: s.secret });
  });

  it('a signed delivery is stored once even when GitHub delivers it three times; the ping stores nothing', async () => {
    await connect('gh-hook');
    const s = await setupOf('gh-hook');
    const ping = await sim.deliver(s.url, s.secret, 'ping', { zen: 'Keep it logically awesome.', hook_id: 460000001 });
    expect(ping.status).toBe(200);
    expect(JSON.parse(ping.body)).toEqual({ received: 0, stored: 0, duplicates: 0 });

    const first = await sim.deliver(s.url, s.secret, 'workflow_run', workflowFailed());
    expect(JSON.parse(first.body)).toEqual({ received: 1, stored: 1, duplicates: 0 });
    for (let i = 0; i < 2; i++) {
      const again = await sim.deliver(s.url, s.secret, 'workflow_run', workflowFailed(), { deliveryId: first.deliveryId });
      expect(JSON.parse(again.body)).toEqual({ received: 1, stored: 0, duplicates: 1 });
    }
    const alerts = await alertsOf('gh-hook');
    expect(alerts).toHaveLength(1);
    const list = await rt.request('GET', '/api/alerts?connector=github', { user: 'gh-hook' });
    expect(list.body.alerts).toEqual([
      expect.objectContaining({ connector: 'github', account_id: String(OCTO.id), event_id: first.deliveryId, type: 'workflow_run.completed', severity: 'error', status: 'triggered', title: 'octo-sim/hello-world: CI failure', occurred_at: '2026-12-02T07:00:00.000Z' }),
    ]);
  });

  it('unsigned, wrongly signed, signed with another connection\'s secret, or to an unknown id → 401, nothing stored', async () => {
    await connect('gh-hook-bad');
    await connect('gh-hook-other', HUBOT.login);
    const s = await setupOf('gh-hook-bad');
    const other = await setupOf('gh-hook-other');
    const body = JSON.stringify(workflowFailed(7));
    const post = (path: string, headers: Record<string, string>) => rt.request('POST', path, { user: null, rawBody: body, headers: { 'content-type': 'application/json', 'x-github-event': 'workflow_run', 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958', ...headers } });
    const path = new URL(s.url).pathname;
    const { createHmac } = await import('node:crypto');
    // the SHA-1 X-Hub-Signature GitHub still sends beside it is not enough on its own
    const sha1Only = { 'x-hub-signature': `sha1=${createHmac('sha1', s.secret).update(body).digest('hex')}` };
    for (const headers of [{}, { 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) }, { 'x-hub-signature-256': 'garbage' }, sha1Only] as Array<Record<string, string>>) {
      const r = await post(path, headers);
      expect(r.status, JSON.stringify(headers)).toBe(401);
      expect(r.body.error.code).toBe('webhook_unauthorized');
    }
    // a delivery signed for another user's webhook, sent to this user's id (and the reverse)
    expect((await sim.deliver(s.url, other.secret, 'workflow_run', workflowFailed(8))).status).toBe(401);
    expect((await sim.deliver(s.url.replace(s.webhook_id, 'x'.repeat(32)), s.secret, 'workflow_run', workflowFailed(9))).status).toBe(401);
    expect((await alertsOf('gh-hook-bad')).length + (await alertsOf('gh-hook-other')).length).toBe(0);
  });

  it('a signed delivery missing X-GitHub-Delivery → 400 naming the header, nothing stored', async () => {
    await connect('gh-hook-noid');
    const s = await setupOf('gh-hook-noid');
    const body = JSON.stringify(workflowFailed(3));
    const { createHmac } = await import('node:crypto');
    const sig = `sha256=${createHmac('sha256', s.secret).update(body).digest('hex')}`;
    const r = await rt.request('POST', new URL(s.url).pathname, { user: null, rawBody: body, headers: { 'content-type': 'application/json', 'x-github-event': 'workflow_run', 'x-hub-signature-256': sig } });
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('X-GitHub-Delivery');
    expect(await alertsOf('gh-hook-noid')).toEqual([]);
  });

  it('disconnect removes the webhook registration and its secret: later deliveries → 401', async () => {
    await connect('gh-hook-bye');
    const s = await setupOf('gh-hook-bye');
    const reg = (await getRegistration(deps(), { userId: 'gh-hook-bye', provider: 'github', accountId: String(OCTO.id) }))!;
    expect((await rt.request('POST', DISCONNECT, { user: 'gh-hook-bye' })).status).toBe(200);
    expect(await deps().secrets.exists(reg.secretRef)).toBe(false);
    expect((await sim.deliver(s.url, s.secret, 'workflow_run', workflowFailed(4))).status).toBe(401);
  });
});
