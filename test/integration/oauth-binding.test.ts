import { beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../lib/config.ts';
import { deps } from '../../lib/deps.ts';
import { listConnections } from '../../lib/connections/repo.ts';
import { CookieJar } from '../../lib/local/cookie-jar.ts';
import type { GoogleSimulator } from '../../lib/connectors/gcp/simulator.ts';
import type { OvhSimulator } from '../../lib/connectors/ovh/simulator.ts';
import { callback, consent, pollSetup, startGcpLogin } from '../../lib/connectors/gcp/simulator-flow.ts';
import type { TestRuntime } from '../helpers/runtime.ts';
import { tableItems, useGcpRuntime } from '../helpers/gcp.ts';

/**
 * The OAuth callback is bound to the browser that started the flow (issue 10). Mallory starts a
 * login as herself, hands the consent link to a victim, and the victim consents: the callback
 * arrives from the victim's browser, without Mallory's cookie, so nothing may be stored under
 * Mallory's account. Each browser is a cookie jar; everything goes over real HTTP.
 */
let rt: TestRuntime;
let google: GoogleSimulator;
let ovh: OvhSimulator;

const gcp = useGcpRuntime({ FEATURE_FLAG_OVH_ENABLED: 'true' });
beforeAll(() => {
  ({ rt, sim: google } = gcp);
  ovh = rt.runtime.simulators.find((s) => s.name === 'ovh') as OvhSimulator;
});

async function expectNothingStored(userId: string) {
  expect(await listConnections(deps().db, userId)).toEqual([]);
  expect((await tableItems()).filter((i) => i.pk === `USER#${userId}` && String(i.sk).startsWith('GCPTASK#'))).toEqual([]);
  expect(((await deps().secrets.list?.()) ?? []).filter((r) => r.includes(`users/${userId}/`))).toEqual([]);
}

const front = (location: string | null | undefined) => Object.fromEntries(new URL(location!).searchParams);
const setCookies = (h: Headers) => h.getSetCookie();

describe('GCP: the callback needs the cookie of the browser that started the flow', () => {
  it("Mallory's consent link completed in the victim's browser: session_mismatch, nothing stored, the code never redeemed", async () => {
    const mallory = new CookieJar();
    const victim = new CookieJar();
    const loginUrl = await startGcpLogin(rt.url, 'mallory-gcp', mallory);
    expect(mallory.names()).toHaveLength(1);
    const back = await consent(loginUrl); // the victim consents at Google
    const redeemed = google.counts()['oauth.token.authorization_code'] ?? 0;
    const r = await callback(rt.url, back, {}, victim);
    expect(r.status).toBe(302);
    expect(front(r.location)).toEqual({ login: 'gcp_failed', reason: 'session_mismatch' });
    expect(google.counts()['oauth.token.authorization_code'] ?? 0).toBe(redeemed);
    await expectNothingStored('mallory-gcp');
    // the state is spent: not even Mallory's own browser can finish it now
    expect(front((await callback(rt.url, back, {}, mallory)).location)).toEqual({ login: 'gcp_failed', reason: 'invalid_state' });
    await expectNothingStored('mallory-gcp');
  });

  it('a cookie of the right name with another value does not pass', async () => {
    const browser = new CookieJar();
    const back = await consent(await startGcpLogin(rt.url, 'forged-cookie-gcp', browser));
    const [name] = browser.names();
    const r = await callback(rt.url, back, { cookie: `${name}=${'A'.repeat(43)}` }, new CookieJar());
    expect(front(r.location)).toEqual({ login: 'gcp_failed', reason: 'session_mismatch' });
    await expectNothingStored('forged-cookie-gcp');
  });

  it('the same flow in the browser that started it connects, and the callback clears the cookie', async () => {
    const browser = new CookieJar();
    const back = await consent(await startGcpLogin(rt.url, 'own-browser-gcp', browser));
    const r = await callback(rt.url, back, {}, browser);
    const params = front(r.location);
    expect(params.login).toBe('gcp_setup_pending');
    expect(browser.names()).toEqual([]);
    await pollSetup(rt.url, 'own-browser-gcp', params.task_id);
    expect((await listConnections(deps().db, 'own-browser-gcp')).map((c) => c.status)).toEqual(['connected']);
  });

  it('the login response sets an HttpOnly, SameSite=Lax cookie for the flow, without Secure over http', async () => {
    const r = await rt.request('POST', '/gcp/login', { user: 'cookie-attrs', jar: null });
    const [cookie] = setCookies(r.headers);
    expect(cookie).toMatch(/^aurora_oauth_[\w-]+=[\w-]{43}; /);
    const attrs = cookie.split('; ').slice(1);
    expect(attrs).toEqual(expect.arrayContaining(['Path=/', 'Max-Age=600', 'HttpOnly', 'SameSite=Lax']));
    expect(attrs).not.toContain('Secure');
    // the nonce is the browser's alone: the state item keeps only its hash
    const nonce = cookie.split(';')[0].split('=')[1];
    expect(JSON.stringify(await tableItems())).not.toContain(nonce);
    // GET /api/auth/gcp (302 to the consent page) sets one as well
    const g = await rt.request('GET', '/api/auth/gcp', { user: 'cookie-attrs', jar: null });
    expect(g.status).toBe(302);
    expect(setCookies(g.headers)[0]).toMatch(/^aurora_oauth_[\w-]+=[\w-]{43}; .*HttpOnly; SameSite=Lax$/);
  });

  it('served over https (BACKEND_URL), the cookie is Secure', async () => {
    const saved = process.env.BACKEND_URL;
    try {
      process.env.BACKEND_URL = 'https://api.example.com';
      resetConfig();
      const r = await rt.request('POST', '/gcp/login', { user: 'cookie-https', jar: null });
      expect(setCookies(r.headers)[0].split('; ')).toContain('Secure');
    } finally {
      process.env.BACKEND_URL = saved;
      resetConfig();
    }
  });

  it('two logins started in one browser (two tabs) both complete', async () => {
    const browser = new CookieJar();
    const first = await consent(await startGcpLogin(rt.url, 'two-tabs-gcp', browser));
    const second = await consent(await startGcpLogin(rt.url, 'two-tabs-gcp', browser));
    expect(browser.names()).toHaveLength(2);
    for (const back of [second, first]) {
      const params = front((await callback(rt.url, back, {}, browser)).location);
      expect(params.login).toBe('gcp_setup_pending');
      await pollSetup(rt.url, 'two-tabs-gcp', params.task_id);
    }
  });
});

describe('OVH: the same binding, with the seed frontend’s error= alongside reason=', () => {
  const INITIATE = '/ovh_api/ovh/oauth2/initiate';
  async function initiate(user: string, jar: CookieJar) {
    const init = await rt.request('POST', INITIATE, { user, body: { endpoint: 'ovh-eu' }, jar });
    expect(init.status).toBe(200);
    const c = await fetch(init.body.authorizationUrl, { redirect: 'manual' });
    return new URL(c.headers.get('location')!);
  }

  it("Mallory's initiate completed in the victim's browser: session_mismatch, nothing stored", async () => {
    const mallory = new CookieJar();
    const back = await initiate('mallory-ovh', mallory);
    const refreshes = ovh.requests.filter((r) => r.endsWith('/auth/oauth2/token')).length;
    const r = await rt.request('GET', `${back.pathname}${back.search}`, { user: null, jar: new CookieJar() });
    expect(r.status).toBe(302);
    expect(front(r.headers.get('location'))).toEqual({ login: 'ovh_failed', reason: 'session_mismatch', error: 'session_mismatch' });
    expect(ovh.requests.filter((x) => x.endsWith('/auth/oauth2/token')).length).toBe(refreshes);
    await expectNothingStored('mallory-ovh');
  });

  it('with the cookie of the browser that started it: ovh_success and one connected account', async () => {
    const browser = new CookieJar();
    const back = await initiate('own-browser-ovh', browser);
    const r = await rt.request('GET', `${back.pathname}${back.search}`, { user: null, jar: browser });
    expect(front(r.headers.get('location'))).toEqual({ login: 'ovh_success', endpoint: 'ovh-eu' });
    expect((await listConnections(deps().db, 'own-browser-ovh')).map((c) => c.status)).toEqual(['connected']);
  });

  it('the generic routes: GET /api/auth/ovh starts it (cookie set), GET /api/auth/ovh/callback needs the cookie', async () => {
    const browser = new CookieJar();
    const start = await rt.request('GET', '/api/auth/ovh?endpoint=ovh-ca', { user: 'generic-ovh', jar: browser });
    expect(start.status).toBe(302);
    const consentRes = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const back = new URL(consentRes.headers.get('location')!);
    const elsewhere = await rt.request('GET', `/api/auth/ovh/callback${back.search}`, { user: null, jar: new CookieJar() });
    expect(front(elsewhere.headers.get('location')).reason).toBe('session_mismatch');
    await expectNothingStored('generic-ovh');
    // a second login in the right browser connects through the generic callback
    const again = await rt.request('GET', '/api/auth/ovh?endpoint=ovh-ca', { user: 'generic-ovh', jar: browser });
    const back2 = new URL((await fetch(again.headers.get('location')!, { redirect: 'manual' })).headers.get('location')!);
    const ok = await rt.request('GET', `/api/auth/ovh/callback${back2.search}`, { user: null, jar: browser });
    expect(front(ok.headers.get('location'))).toEqual({ login: 'ovh_success', endpoint: 'ovh-ca' });
  });
});
