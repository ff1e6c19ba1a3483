import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { hasChromium, launch, NO_CHROMIUM, openPage, type Browser } from './browser.ts';

/**
 * JWT mode, the console's side of it: the page reads the issuer and its client from the config
 * document, signs in at a stand-in OIDC issuer with the authorization code and PKCE (S256), and
 * sends the access token as a bearer token on every API call. (Verifying that token is API
 * Gateway's JWT authorizer's job when deployed; the local gateway does not, so the API answers
 * 401 here, which is what this test expects the page to say in words.)
 */
if (!hasChromium) console.warn(NO_CHROMIUM);

const CLIENT_ID = 'aurora-console-test';
const b64url = (b: Buffer) => b.toString('base64url');

interface Issuer {
  url: string;
  /** what /token received, to check the PKCE exchange */
  exchanges: Array<{ verifierOk: boolean; clientId: string | null; redirectUri: string | null }>;
  accessTokens: string[];
  close(): Promise<void>;
}

/** A minimal OIDC issuer on 127.0.0.1: discovery, an authorize endpoint that approves at once, a token endpoint that checks PKCE. */
async function startIssuer(): Promise<Issuer> {
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const exchanges: Issuer['exchanges'] = [];
  const accessTokens: string[] = [];
  let base = '';
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base);
    const cors = { 'access-control-allow-origin': req.headers.origin ?? '*', 'access-control-allow-headers': 'content-type, authorization', 'access-control-allow-methods': 'GET, POST' };
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', ...cors });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'OPTIONS') return res.writeHead(204, cors).end();
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer: base,
        authorization_endpoint: `${base}/authorize`,
        token_endpoint: `${base}/token`,
        jwks_uri: `${base}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      if (q.get('client_id') !== CLIENT_ID || q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) return json(400, { error: 'invalid_request' });
      const code = b64url(randomBytes(16));
      codes.set(code, { challenge: q.get('code_challenge')!, redirectUri: q.get('redirect_uri')! });
      const back = new URL(q.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state')!);
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const form = new URLSearchParams(raw);
      const issued = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const verifierOk = !!issued && b64url(createHash('sha256').update(verifier).digest()) === issued.challenge;
      exchanges.push({ verifierOk, clientId: form.get('client_id'), redirectUri: form.get('redirect_uri') });
      if (!issued || !verifierOk || form.get('redirect_uri') !== issued.redirectUri) return json(400, { error: 'invalid_grant' });
      const now = Math.floor(Date.now() / 1000);
      const header = b64url(Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })));
      const claims = b64url(Buffer.from(JSON.stringify({ iss: base, aud: CLIENT_ID, sub: 'oidc-user-1', email: 'ada@example.com', iat: now, exp: now + 3600 })));
      const idToken = `${header}.${claims}.${b64url(randomBytes(32))}`;
      const access = `at-${b64url(randomBytes(24))}`;
      accessTokens.push(access);
      return json(200, { access_token: access, id_token: idToken, token_type: 'Bearer', expires_in: 3600, scope: form.get('scope') ?? 'openid profile email' });
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    exchanges,
    accessTokens,
    close: () => new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}

describe.skipIf(!hasChromium)('signing in to the console in JWT mode', () => {
  let issuer: Issuer;
  let rt: TestRuntime;
  let browser: Browser;

  beforeAll(async () => {
    issuer = await startIssuer();
    rt = await startTestRuntime({ env: { AUTH_MODE: 'jwt', JWT_ISSUER: issuer.url, JWT_AUDIENCE: CLIENT_ID, CONSOLE_OIDC_CLIENT_ID: CLIENT_ID } });
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await rt?.close();
    await issuer?.close();
  });

  it('signs in with the authorization code and PKCE, shows who is signed in, and sends the bearer token', async () => {
    const origin = `http://localhost:${rt.runtime.gateway.port}`;
    expect(await (await fetch(`${origin}/console-config.json`)).json()).toEqual({ auth_mode: 'jwt', api_url: '', oidc: { issuer: issuer.url, client_id: CLIENT_ID, scope: 'openid profile email' } });

    const w = await openPage(browser);
    const { page } = w;
    const bearers: string[] = [];
    const userHeaders: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).origin !== origin || !new URL(r.url()).pathname.startsWith('/api/')) return;
      const h = r.headers();
      if (h.authorization) bearers.push(h.authorization);
      if (h['x-user-id']) userHeaders.push(h['x-user-id']);
    });
    await page.goto(`${origin}/commands`);
    // nobody is signed in yet: no "Signed in as" field, a Sign in button
    await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    expect(await page.getByLabel('Signed in as').count()).toBe(0);
    expect(bearers).toEqual([]);

    // the local gateway does not verify JWTs (API Gateway does): each API call answers 401
    for (let i = 0; i < 8; i++) w.expectApiError(401);
    w.expectApiError(404);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // issuer → /signin-callback → back to the page the user started from
    await page.waitForURL((u) => u.origin === origin && u.pathname === '/commands');
    await page.getByText('Signed in as').waitFor();
    await page.getByText('ada@example.com').waitFor();
    expect(issuer.exchanges).toEqual([{ verifierOk: true, clientId: CLIENT_ID, redirectUri: `${origin}/signin-callback` }]);

    await page.getByRole('heading', { name: 'Commands', level: 1 }).waitFor();
    // the API's refusal, in its own words
    await page.getByRole('alert').first().getByText(/^Authentication required/).waitFor();
    expect(bearers.length).toBeGreaterThan(0);
    expect(new Set(bearers)).toEqual(new Set([`Bearer ${issuer.accessTokens[0]}`]));
    expect(userHeaders).toEqual([]);
    // the code and state were consumed: they are no longer in the address bar
    expect(page.url()).not.toMatch(/code=|state=/);
    w.assertNoConsoleErrors();
    await w.close();
  });
});
