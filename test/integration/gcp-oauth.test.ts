import { beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { resetConfig } from '../../lib/config.ts';
import { listConnections } from '../../lib/connections/repo.ts';
import { createOAuthState } from '../../lib/oauth/state.ts';
import type { GoogleSimulator } from '../../lib/connectors/gcp/simulator.ts';
import { callback, consent, pollSetup, startGcpLogin } from '../../lib/connectors/gcp/simulator-flow.ts';
import type { TestRuntime } from '../helpers/runtime.ts';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { CookieJar } from '../../lib/local/cookie-jar.ts';
import { handler as oauthStartHandler } from '../../functions/gcp/oauth-start.ts';
import { tableItems, useGcpRuntime } from '../helpers/gcp.ts';

let rt: TestRuntime;
let sim: GoogleSimulator;

/** Nothing of the user's in the store: no connection, no secret, no setup task. */
async function expectNothingStored(userId: string) {
  expect(await listConnections(deps().db, userId)).toEqual([]);
  const items = await tableItems();
  expect(items.filter((i) => i.pk === `USER#${userId}` && String(i.sk).startsWith('GCPTASK#'))).toEqual([]);
  const refs = (await deps().secrets.list?.()) ?? [];
  expect(refs.filter((r) => r.includes(`/users/${userId}/`) || r.includes(`users/${userId}/`))).toEqual([]);
}

/**
 * Every callback outcome is a redirect to the frontend (a browser lands there): a bad callback
 * reads login=gcp_failed with its reason. Until issue 10 bad states answered 400 JSON here.
 */
function expectFailedWith(r: { status: number; location?: string | null; headers?: Headers }, reason: string) {
  expect(r.status).toBe(302);
  const front = new URL(r.location ?? r.headers!.get('location')!);
  expect(front.searchParams.get('login')).toBe('gcp_failed');
  expect(front.searchParams.get('reason')).toBe(reason);
}

const gcp = useGcpRuntime();
beforeAll(() => ({ rt, sim } = gcp));

describe('POST /gcp/login', () => {
  it('returns the Google consent URL: scopes, offline access, forced consent, random state, PKCE S256', async () => {
    const r = await rt.request('POST', '/gcp/login', { user: 'login-user', body: { userId: 'login-user' } });
    expect(r.status).toBe(200);
    const url = new URL(r.body.login_url);
    expect(`${url.origin}${url.pathname}`).toBe(sim.env.GOOGLE_OAUTH_AUTH_URL);
    const q = url.searchParams;
    expect(q.get('scope')!.split(' ').sort()).toEqual(['https://www.googleapis.com/auth/cloud-platform', 'https://www.googleapis.com/auth/userinfo.email', 'openid'].sort());
    expect(q.get('access_type')).toBe('offline');
    expect(q.get('prompt')).toBe('consent');
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(sim.env.CLIENT_ID);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('redirect_uri')).toBe(`${new URL(rt.url).protocol}//localhost:${new URL(rt.url).port}/callback`);
    const state = q.get('state')!;
    expect(state.length).toBeGreaterThanOrEqual(32);
    expect(state).not.toContain('login-user');
    const other = new URL((await rt.request('POST', '/gcp/login', { user: 'login-user' })).body.login_url).searchParams;
    expect(other.get('state')).not.toBe(state);
    expect(other.get('code_challenge')).not.toBe(q.get('code_challenge'));
  });

  it('POST /login is the same route; a body userId of someone else is refused (403)', async () => {
    expect((await rt.request('POST', '/login', { user: 'login-user', body: { userId: 'login-user' } })).status).toBe(200);
    const r = await rt.request('POST', '/login', { user: 'login-user', body: { userId: 'victim' } });
    expect(r.status).toBe(403);
    expect((await rt.request('POST', '/gcp/login', { user: null })).status).toBe(401);
  });

  it('CLIENT_ID / CLIENT_SECRET unset → 500-class config error with a clear message', async () => {
    const saved = { id: process.env.CLIENT_ID, secret: process.env.CLIENT_SECRET };
    try {
      process.env.CLIENT_ID = '';
      resetConfig();
      const r = await rt.request('POST', '/gcp/login', { user: 'login-user' });
      expect(r.status).toBe(500);
      expect(r.body.error.code).toBe('config_error');
      expect(r.body.error.message).toMatch(/CLIENT_ID/);
      expect(r.body.error.field).toBe('CLIENT_ID');
      process.env.CLIENT_ID = saved.id;
      process.env.CLIENT_SECRET = '';
      resetConfig();
      const s = await rt.request('POST', '/gcp/login', { user: 'login-user' });
      expect(s.status).toBe(500);
      expect(s.body.error.message).toMatch(/CLIENT_SECRET/);
      expect(s.body.error.field).toBe('CLIENT_SECRET');
      expect(s.text).not.toContain(saved.secret!);
    } finally {
      process.env.CLIENT_ID = saved.id;
      process.env.CLIENT_SECRET = saved.secret;
      resetConfig();
    }
  });
});

describe('GET /api/auth/{provider}', () => {
  it('gcp: 302 to the consent page; the simulated consent sends the browser back to /callback', async () => {
    const r = await rt.request('GET', '/api/auth/gcp', { user: 'auth-route-user' });
    expect(r.status).toBe(302);
    const loc = new URL(r.headers.get('location')!);
    expect(`${loc.origin}${loc.pathname}`).toBe(sim.env.GOOGLE_OAUTH_AUTH_URL);
    const back = await consent(loc.toString());
    const cb = await callback(rt.url, back);
    expect(new URL(cb.location!).searchParams.get('login')).toBe('gcp_setup_pending');
  });

  it('a fetch that accepts JSON gets {login_url} and the binding cookie, and that flow completes', async () => {
    const jar = new CookieJar();
    const r = await rt.request('GET', '/api/auth/gcp', { user: 'auth-json-user', headers: { accept: 'application/json' }, jar });
    expect(r.status).toBe(200);
    expect(r.headers.get('location')).toBeNull();
    const loc = new URL(r.body.login_url);
    expect(`${loc.origin}${loc.pathname}`).toBe(sim.env.GOOGLE_OAUTH_AUTH_URL);
    expect(jar.names().length).toBeGreaterThan(0);
    const cb = await callback(rt.url, await consent(loc.toString()), {}, jar);
    expect(new URL(cb.location!).searchParams.get('login')).toBe('gcp_setup_pending');
  });

  it('a caller identified by the JWT authorizer gets {login_url} (a navigation could not carry its token); X-User-ID beside it changes nothing', async () => {
    // API Gateway's payload v2 after its JWT authorizer: the local gateway has no authorizer, so
    // the deployed handler is called with the event API Gateway would send
    const event = {
      version: '2.0',
      routeKey: 'GET /api/auth/{provider}',
      rawPath: '/api/auth/gcp',
      rawQueryString: '',
      headers: { host: 'api.example.com', authorization: 'Bearer x', 'x-user-id': 'jwt-mallory' },
      pathParameters: { provider: 'gcp' },
      requestContext: {
        http: { method: 'GET', path: '/api/auth/gcp', protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 'test' },
        requestId: 'jwt-oauth-start',
        routeKey: 'GET /api/auth/{provider}',
        stage: '$default',
        authorizer: { jwt: { claims: { sub: 'jwt-alice', iss: 'https://issuer.example' }, scopes: [] } },
      },
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;
    const ctx = { awsRequestId: 'jwt-oauth-start', getRemainingTimeInMillis: () => 10_000, functionName: 'OauthStart' } as unknown as Context;
    const res = (await oauthStartHandler(event, ctx)) as { statusCode: number; body: string; headers?: Record<string, string>; cookies?: string[] };
    expect(res.statusCode).toBe(200);
    expect(res.headers?.location).toBeUndefined();
    const { login_url } = JSON.parse(res.body) as { login_url: string };
    const jar = new CookieJar();
    const set = new Headers();
    for (const c of res.cookies ?? []) set.append('set-cookie', c);
    jar.store({ headers: set });
    const cb = await callback(rt.url, await consent(login_url), {}, jar);
    expect(new URL(cb.location!).searchParams.get('login')).toBe('gcp_setup_pending');
    expect((await listConnections(deps().db, 'jwt-alice')).map((c) => c.provider)).toContain('gcp');
    expect(await listConnections(deps().db, 'jwt-mallory')).toEqual([]);
  });

  it('providers that do not use OAuth → 400; a switched-off provider → 404; unknown → 400', async () => {
    for (const p of ['aws', 'azure', 'scaleway', 'tailscale']) {
      const r = await rt.request('GET', `/api/auth/${p}`, { user: 'auth-route-user' });
      expect(r.status, p).toBe(400);
      expect(r.body.error.field).toBe('provider');
    }
    expect((await rt.request('GET', '/api/auth/ovh', { user: 'auth-route-user' })).status).toBe(404);
    expect((await rt.request('GET', '/api/auth/heroku', { user: 'auth-route-user' })).status).toBe(400);
    expect((await rt.request('GET', '/api/auth/aws/callback?code=x&state=y', { user: null })).status).toBe(400);
  });
});

describe('GET /callback', () => {
  it('serves the aliases /gcp/callback and /api/auth/gcp/callback', async () => {
    for (const path of ['/gcp/callback', '/api/auth/gcp/callback']) {
      const back = new URL(await consent(await startGcpLogin(rt.url, 'alias-user')));
      const cb = await callback(rt.url, `${rt.url}${path}${back.search}`);
      expect(cb.status, path).toBe(302);
      const front = new URL(cb.location!);
      expect(front.searchParams.get('login')).toBe('gcp_setup_pending');
      await pollSetup(rt.url, 'alias-user', front.searchParams.get('task_id')!);
    }
  });

  it('missing code → 302 gcp_failed reason=missing_code; a missing or unknown state → reason=invalid_state', async () => {
    const back = new URL(await consent(await startGcpLogin(rt.url, 'nocode-user')));
    back.searchParams.delete('code');
    expectFailedWith(await callback(rt.url, back.toString()), 'missing_code');
    await expectNothingStored('nocode-user');
    expectFailedWith(await rt.request('GET', '/callback?state=abc', { user: null }), 'invalid_state');
    expectFailedWith(await rt.request('GET', '/callback?code=abc', { user: null }), 'invalid_state');
  });

  it('the user declines (error=access_denied) → 302 to the frontend with login=gcp_failed and the reason; nothing stored', async () => {
    sim.configure({ consent: 'deny' });
    const back = await consent(await startGcpLogin(rt.url, 'deny-user'));
    expect(new URL(back).searchParams.get('error')).toBe('access_denied');
    const cb = await callback(rt.url, back);
    expect(cb.status).toBe(302);
    const front = new URL(cb.location!);
    expect(front.searchParams.get('login')).toBe('gcp_failed');
    expect(front.searchParams.get('reason')).toBe('access_denied');
    await expectNothingStored('deny-user');
    // the state of a declined login is spent too
    sim.configure({ consent: 'approve' });
    const state = new URL(back).searchParams.get('state');
    expectFailedWith(await rt.request('GET', `/callback?code=x&state=${state}`, { user: null }), 'invalid_state');
  });

  it('a forged state → gcp_failed reason=invalid_state, nothing stored, the code never reaches Google', async () => {
    const back = new URL(await consent(await startGcpLogin(rt.url, 'forge-user')));
    const before = sim.counts()['oauth.token.authorization_code'] ?? 0;
    const r = await rt.request('GET', `/callback?code=${back.searchParams.get('code')}&state=forged-${'x'.repeat(40)}`, { user: null });
    expectFailedWith(r, 'invalid_state');
    expect(sim.counts()['oauth.token.authorization_code'] ?? 0).toBe(before);
    // the old reference implementation used the user id as state
    expectFailedWith(await rt.request('GET', `/callback?code=${back.searchParams.get('code')}&state=forge-user`, { user: null }), 'invalid_state');
    await expectNothingStored('forge-user');
  });

  it('an expired state → reason=invalid_state, nothing stored', async () => {
    const st = await createOAuthState(deps().db, { userId: 'expired-user', provider: 'gcp', redirectUri: `${rt.url}/callback` }, Date.now() - 11 * 60 * 1000);
    const r = await rt.request('GET', `/callback?code=whatever&state=${st.state}`, { user: null });
    expectFailedWith(r, 'invalid_state');
    await expectNothingStored('expired-user');
  });

  it('a replayed callback → reason=invalid_state the second time; one connection, one task', async () => {
    const back = await consent(await startGcpLogin(rt.url, 'replay-user'));
    const first = await callback(rt.url, back);
    expect(first.status).toBe(302);
    const second = await callback(rt.url, back);
    expectFailedWith(second, 'invalid_state');
    await pollSetup(rt.url, 'replay-user', new URL(first.location!).searchParams.get('task_id')!);
    const tasks = (await tableItems()).filter((i) => i.pk === 'USER#replay-user' && String(i.sk).startsWith('GCPTASK#'));
    expect(tasks).toHaveLength(1);
    expect(await listConnections(deps().db, 'replay-user')).toHaveLength(1);
  });

  it("another user's state → reason=invalid_state: a callback made by user B with A's state stores nothing for either", async () => {
    const back = await consent(await startGcpLogin(rt.url, 'alice-gcp'));
    const r = await callback(rt.url, back, { 'x-user-id': 'mallory-gcp' });
    expectFailedWith(r, 'invalid_state');
    await expectNothingStored('alice-gcp');
    await expectNothingStored('mallory-gcp');
    // and the state is spent: Alice cannot use it afterwards either
    expectFailedWith(await callback(rt.url, back), 'invalid_state');
  });

  it('a state issued for another provider → reason=invalid_state', async () => {
    const st = await createOAuthState(deps().db, { userId: 'ovh-state-user', provider: 'ovh', redirectUri: `${rt.url}/callback` });
    expectFailedWith(await rt.request('GET', `/callback?code=c&state=${st.state}`, { user: null }), 'invalid_state');
    await expectNothingStored('ovh-state-user');
  });

  it('a code Google refuses → 302 gcp_failed with the reason; nothing stored', async () => {
    const back = new URL(await consent(await startGcpLogin(rt.url, 'badcode-user')));
    back.searchParams.set('code', 'not-a-code-google-issued');
    const cb = await callback(rt.url, back.toString());
    expect(cb.status).toBe(302);
    expect(new URL(cb.location!).searchParams.get('reason')).toBe('invalid_grant');
    await expectNothingStored('badcode-user');
  });

  it('Google down during the exchange → 302 gcp_failed reason=provider_unavailable; nothing stored', async () => {
    const back = await consent(await startGcpLogin(rt.url, 'down-user'));
    sim.fail({ path: /\/token$/, status: 503, times: 10 });
    const cb = await callback(rt.url, back);
    expect(new URL(cb.location!).searchParams.get('reason')).toBe('provider_unavailable');
    await expectNothingStored('down-user');
  });

  it('stores the token set in the secret store only: the record holds a reference and the email', async () => {
    const back = await consent(await startGcpLogin(rt.url, 'store-user'));
    const cb = await callback(rt.url, back);
    await pollSetup(rt.url, 'store-user', new URL(cb.location!).searchParams.get('task_id')!);
    const [conn] = await listConnections(deps().db, 'store-user');
    expect(conn.accountId).toBe('sim-user@example.com');
    expect(conn.secretRef).toMatch(/^local:/);
    const doc = (await deps().secrets.get(conn.secretRef!))!.reveal() as Record<string, unknown>;
    expect(Object.keys(doc).sort()).toEqual(['access_token', 'expiry_date', 'refresh_token', 'scope', 'token_type']);
    expect(sim.issuedSecrets()).toContain(doc.refresh_token);
    const items = await tableItems();
    expect(JSON.stringify(items)).not.toContain(String(doc.refresh_token));
    // the state (and its PKCE verifier) is gone once used
    expect(items.filter((i) => i.kind === 'oauth_state' && i.userId === 'store-user')).toEqual([]);
  });
});
