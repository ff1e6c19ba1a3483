import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunningSimulator, SimulatorStarter } from '../../local/simulator-types.ts';
import { FaultSwitch, listenLoopback, simStateFile } from '../../local/sim-kit.ts';

/**
 * Simulated Atlassian and Confluence, one server: `/auth/…` stands for auth.atlassian.com
 * (authorize, which approves at once and 302s back; token, with JSON bodies and rotating refresh
 * tokens: each refresh token works once), `/api/…` for api.atlassian.com (accessible-resources,
 * Confluence Cloud's current user under /ex/confluence/<cloud id>), and `/dc/…` for a Confluence
 * Data Center instance (base URL `<url>/dc`) taking Personal Access Tokens as bearer tokens.
 * Errors have Atlassian's shapes.
 */
export const CONFLUENCE_FIXTURES = {
  client: { clientId: 'sim-atlassian-client', clientSecret: 'sim-atlassian-secret-Hk3Vn8Qz2Rw6' },
  site: { id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', url: 'https://aurora-sim.atlassian.net', name: 'aurora-sim' },
  /** a Jira-only site the grant also reaches: never the one connected */
  jiraSite: { id: '9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f', url: 'https://aurora-sim-jira.atlassian.net', name: 'aurora-sim-jira' },
  cloudUser: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Ada Lovelace' },
  pat: 'NjYxMjM0NTY3ODkwOlNpbUNvbmZsdWVuY2VQQVQx',
  otherPat: 'NzcxMjM0NTY3ODkwOlNpbUNvbmZsdWVuY2VQQVQy',
  unknownPat: 'ODgxMjM0NTY3ODkwOlNpbUNvbmZsdWVuY2VQQVQz',
  dcUser: { username: 'ada', displayName: 'Ada Lovelace' },
};
const F = CONFLUENCE_FIXTURES;

interface Grant {
  access: string;
  refresh: string;
  expiresAt: number;
  retired: boolean;
}
interface State {
  grants: Grant[];
  revoked: string[];
  issued: string[];
}

export interface ConfluenceSimulator extends RunningSimulator {
  url: string;
  /** the Data Center base URL to connect with */
  dcBaseUrl: string;
  fail(opts: { status?: number; delayMs?: number; times?: number; path?: RegExp }): void;
  reset(): void;
  setLatency(ms: number): void;
  /** a PAT is revoked (or expires) in Data Center; restore undoes it */
  revokePat(pat: string): void;
  restorePat(pat: string): void;
  /** the user removes the app in "Connected apps": every token of every grant stops working */
  revokeGrants(): void;
  /** lifetime of access tokens issued from now on (seconds) */
  setTokenLifetime(seconds: number): void;
  /** the grant has no Confluence site (a Jira-only user) */
  setConfluenceSites(on: boolean): void;
  isLive(token: string): boolean;
  counts(): { refreshes: number; refusedRefreshes: number };
  issuedSecrets(): string[];
  requests: string[];
}

export const startConfluenceSimulator: SimulatorStarter = async (opts) => {
  const store = simStateFile<State>(opts.stateDir, 'confluence');
  const saved = store.load();
  const grants: Grant[] = saved?.grants ?? [];
  const revoked = new Set<string>(saved?.revoked ?? []);
  const issued: string[] = saved?.issued ?? [];
  const codes = new Map<string, { redirectUri: string; expiresAt: number }>();
  let lifetime = 3600;
  let withConfluence = true;
  let refreshes = 0;
  let refusedRefreshes = 0;
  const persist = () => store.save({ grants, revoked: [...revoked], issued });
  const faults = new FaultSwitch(opts.latencyMs ?? 0);
  const requests: string[] = [];
  const mint = (prefix: string) => {
    const v = prefix + randomBytes(24).toString('base64url');
    issued.push(v);
    return v;
  };
  const send = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const oauthError = (res: ServerResponse, status: number, error: string, description: string) => send(res, status, { error, error_description: description });
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const issue = () => {
    const g: Grant = { access: mint('atsim-at-'), refresh: mint('atsim-rt-'), expiresAt: Date.now() + lifetime * 1000, retired: false };
    grants.push(g);
    return { access_token: g.access, refresh_token: g.refresh, expires_in: lifetime, token_type: 'Bearer', scope: 'read:page:confluence read:space:confluence read:user:confluence offline_access' };
  };
  const bearer = (req: IncomingMessage) => (String(req.headers.authorization ?? '').startsWith('Bearer ') ? String(req.headers.authorization).slice(7) : '');

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    requests.push(`${method} ${path}`);
    const faultStatus = await faults.apply(path, res);
    if (res.destroyed) return;
    if (faultStatus) return send(res, faultStatus, { code: faultStatus, message: 'Service unavailable' });

    if (path === '/auth/authorize' && method === 'GET') {
      const p = url.searchParams;
      if (p.get('client_id') !== F.client.clientId) return oauthError(res, 400, 'invalid_client', 'unknown client_id');
      if (p.get('audience') !== 'api.atlassian.com') return oauthError(res, 400, 'invalid_request', 'audience must be api.atlassian.com');
      const redirectUri = p.get('redirect_uri');
      if (!redirectUri || !/^https?:\/\//.test(redirectUri)) return oauthError(res, 400, 'invalid_request', 'redirect_uri is required');
      const back = new URL(redirectUri);
      if (p.get('state')) back.searchParams.set('state', p.get('state')!);
      if (p.get('response_type') !== 'code') back.searchParams.set('error', 'unsupported_response_type');
      else if (!(p.get('scope') ?? '').split(' ').includes('read:page:confluence')) back.searchParams.set('error', 'invalid_scope');
      else {
        const code = mint('atsim-code-');
        codes.set(code, { redirectUri, expiresAt: Date.now() + 60_000 });
        back.searchParams.set('code', code);
      }
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (path === '/auth/oauth/token' && method === 'POST') {
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return oauthError(res, 415, 'invalid_request', 'send JSON');
      let form: Record<string, string>;
      try {
        form = JSON.parse(await readBody(req)) as Record<string, string>;
      } catch {
        return oauthError(res, 400, 'invalid_request', 'malformed JSON');
      }
      if (form.client_id !== F.client.clientId || form.client_secret !== F.client.clientSecret) return oauthError(res, 401, 'access_denied', 'Unauthorized');
      if (form.grant_type === 'authorization_code') {
        const c = codes.get(form.code ?? '');
        codes.delete(form.code ?? '');
        if (!c || c.expiresAt < Date.now() || c.redirectUri !== form.redirect_uri) return oauthError(res, 400, 'invalid_grant', 'Invalid authorization code');
        return send(res, 200, issue());
      }
      if (form.grant_type === 'refresh_token') {
        const g = grants.find((x) => x.refresh === form.refresh_token);
        if (!g || g.retired) {
          refusedRefreshes++;
          return oauthError(res, 400, 'invalid_grant', 'Unknown or invalid refresh token.');
        }
        g.retired = true; // rotated: the old refresh token (and its access token) end here
        refreshes++;
        return send(res, 200, issue());
      }
      return oauthError(res, 400, 'unsupported_grant_type', 'unsupported grant_type');
    }
    if (path.startsWith('/api/')) {
      const g = grants.find((x) => x.access === bearer(req));
      if (!g || g.retired || g.expiresAt < Date.now()) return send(res, 401, { code: 401, message: 'Unauthorized' });
      if (path === '/api/oauth/token/accessible-resources' && method === 'GET') {
        return send(res, 200, [
          { id: F.jiraSite.id, url: F.jiraSite.url, name: F.jiraSite.name, scopes: ['read:jira-work'], avatarUrl: 'https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/site.png' },
          ...(withConfluence ? [{ id: F.site.id, url: F.site.url, name: F.site.name, scopes: ['read:page:confluence', 'read:space:confluence', 'read:user:confluence'], avatarUrl: 'https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png' }] : []),
        ]);
      }
      if (path === `/api/ex/confluence/${F.site.id}/wiki/rest/api/user/current` && method === 'GET' && withConfluence) {
        return send(res, 200, { type: 'known', accountId: F.cloudUser.accountId, accountType: 'atlassian', displayName: F.cloudUser.displayName, publicName: F.cloudUser.displayName });
      }
      return send(res, 404, { statusCode: 404, message: 'No site found' });
    }
    if (path === '/dc/rest/api/user/current' && method === 'GET') {
      const pat = bearer(req);
      if (pat && (pat === F.pat || pat === F.otherPat) && !revoked.has(pat)) return send(res, 200, { type: 'known', username: F.dcUser.username, userKey: '8a7f808a6c9d1e2b016c9d1e5a7b0000', displayName: F.dcUser.displayName });
      if (pat) return send(res, 401, { statusCode: 401, message: 'Authorization failed' });
      return send(res, 200, { type: 'anonymous', profilePicture: { path: '/images/icons/profilepics/anonymous.svg' }, displayName: 'Anonymous' });
    }
    return send(res, 404, { statusCode: 404, message: 'Not found' });
  }

  const { url, close } = await listenLoopback(
    async (req, res) => {
      await handle(req, res);
      persist();
    },
    { statusCode: 500, message: 'Internal server error' },
  );

  const sim: ConfluenceSimulator = {
    name: 'confluence',
    url,
    dcBaseUrl: `${url}/dc`,
    env: {
      CONFLUENCE_CLIENT_ID: F.client.clientId,
      CONFLUENCE_CLIENT_SECRET: F.client.clientSecret,
      ATLASSIAN_AUTH_URL: `${url}/auth/authorize`,
      ATLASSIAN_TOKEN_URL: `${url}/auth/oauth/token`,
      ATLASSIAN_API_URL: `${url}/api`,
      CONFLUENCE_DC_ALLOW_HTTP: 'true',
    },
    hint: () => `Simulated Confluence Data Center: base URL ${url}/dc (POST /confluence/connect {"authType":"pat","baseUrl":"${url}/dc","patToken":<the simulator's PAT, README>})`,
    requests,
    fail: (o) => faults.fail(o),
    reset: () => {
      faults.reset();
      lifetime = 3600;
      withConfluence = true;
    },
    setLatency: (ms) => faults.setLatency(ms),
    revokePat: (p) => {
      revoked.add(p);
      persist();
    },
    restorePat: (p) => {
      revoked.delete(p);
      persist();
    },
    revokeGrants: () => {
      for (const g of grants) g.retired = true;
      persist();
    },
    setTokenLifetime: (s) => {
      lifetime = s;
    },
    setConfluenceSites: (on) => {
      withConfluence = on;
    },
    isLive: (t) => grants.some((g) => (g.access === t || g.refresh === t) && !g.retired),
    counts: () => ({ refreshes, refusedRefreshes }),
    issuedSecrets: () => [F.client.clientSecret, F.pat, F.otherPat, F.unknownPat, ...issued.filter((t) => !t.startsWith('atsim-code-'))],
    close,
  };
  return sim;
};
