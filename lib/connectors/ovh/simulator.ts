import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunningSimulator, SimulatorStarter } from '../../local/simulator-types.ts';
import { entries, FaultSwitch, listenLoopback, mapOf, simStateFile } from '../../local/sim-kit.ts';

/**
 * Simulated OVHcloud, one server for the three regions (`/<eu|ca|us>/...` stand for the regional
 * hosts): OAuth2 authorize (approves at once and 302s to redirect_uri with code and state, or with
 * error=access_denied when told to), token (authorization_code with PKCE S256 verification,
 * refresh_token with rotation, invalid_grant for used/expired/revoked grants), and the API's /me
 * and /cloud/project. Codes and tokens are bound to the region and client that issued them.
 */
type Region = 'eu' | 'ca' | 'us';
const REGIONS: Region[] = ['eu', 'ca', 'us'];

export const OVH_FIXTURES = {
  clients: {
    eu: { clientId: 'sim-ovh-eu-client', clientSecret: 'sim-ovh-eu-secret-R4nd0mV4lu3' },
    ca: { clientId: 'sim-ovh-ca-client', clientSecret: 'sim-ovh-ca-secret-Q8wErTy2uIoP' },
    us: { clientId: 'sim-ovh-us-client', clientSecret: 'sim-ovh-us-secret-Zx9CvBn7mAsD' },
  },
  accounts: {
    eu: { nichandle: 'ab12345-ovh', firstname: 'Ada', name: 'Lovelace', organisation: '', email: 'ada@example.com', country: 'FR', projects: ['5f1c0a3b9e2d4c6a8b7e1f0d2c3b4a59', '8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b'] },
    ca: { nichandle: 'cd67890-ovh', firstname: 'Grace', name: 'Hopper', organisation: 'Hopper Labs', email: 'grace@example.com', country: 'CA', projects: ['1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d'] },
    us: { nichandle: 'ef24680-ovh', firstname: 'Alan', name: 'Turing', organisation: '', email: 'alan@example.com', country: 'US', projects: [] as string[] },
  },
};

interface Code {
  region: Region;
  clientId: string;
  redirectUri: string;
  challenge?: string;
  method?: string;
  expiresAt: number;
}

interface Grant {
  region: Region;
  clientId: string;
  expiresAt: number;
  revoked: boolean;
}


export interface OvhSimulator extends RunningSimulator {
  url: string;
  fail(opts: { status?: number; delayMs?: number; times?: number; path?: RegExp }): void;
  reset(): void;
  setLatency(ms: number): void;
  /** lifetime (seconds) of the access tokens issued from now on; 3600 by default */
  setTokenLifetime(seconds: number): void;
  /** every refresh token issued so far stops working (invalid_grant), as after a password change */
  revokeRefreshTokens(): void;
  /** the next authorization is refused by the user: 302 with error=access_denied */
  denyNext(): void;
  /** how many refresh_token grants succeeded */
  refreshCount(): number;
  /** every code and token issued so far (leak scans) */
  issued(): string[];
  requests: string[];
}

interface OvhState {
  codes: Array<[string, Code]>;
  access: Array<[string, Grant]>;
  refresh: Array<[string, Grant]>;
  issued: string[];
  refreshes: number;
}

export const startOvhSimulator: SimulatorStarter = async (opts) => {
  // codes and tokens issued survive a restart on the same data dir, as they do at OVHcloud
  const store = simStateFile<OvhState>(opts.stateDir, 'ovh');
  const saved = store.load();
  const codes = mapOf<string, Code>(saved?.codes);
  const access = mapOf<string, Grant>(saved?.access);
  const refresh = mapOf<string, Grant>(saved?.refresh);
  const issued: string[] = saved?.issued ?? [];
  const faults = new FaultSwitch(opts.latencyMs ?? 0);
  let lifetime = 3600;
  let deny = 0;
  let refreshes = saved?.refreshes ?? 0;
  const persist = () => {
    const now = Date.now();
    for (const m of [codes, access, refresh] as Array<Map<string, { expiresAt: number }>>) for (const [k, v] of m) if (v.expiresAt < now) m.delete(k);
    store.save({ codes: entries(codes), access: entries(access), refresh: entries(refresh), issued, refreshes });
  };
  const requests: string[] = [];

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const apiError = (res: ServerResponse, status: number, message: string) => send(res, status, { class: status === 401 ? 'Client::Unauthorized' : 'Client::NotFound', message });
  const oauthError = (res: ServerResponse, status: number, error: string, description: string) => send(res, status, { error, error_description: description });
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const mint = (prefix: string) => {
    const v = `${prefix}${randomBytes(24).toString('base64url')}`;
    issued.push(v);
    return v;
  };
  const issueTokens = (region: Region, clientId: string) => {
    const at = mint('ovhsim-at-');
    const rt = mint('ovhsim-rt-');
    access.set(at, { region, clientId, expiresAt: Date.now() + lifetime * 1000, revoked: false });
    refresh.set(rt, { region, clientId, expiresAt: Date.now() + 30 * 86400_000, revoked: false });
    return { access_token: at, token_type: 'Bearer', expires_in: lifetime, refresh_token: rt, scope: 'all' };
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${req.method} ${url.pathname}`);
    const faultStatus = await faults.apply(url.pathname, res);
    if (res.destroyed) return;
    if (faultStatus) return send(res, faultStatus, { class: 'Server::InternalServerError', message: 'Internal server error' });

    const m = /^\/(eu|ca|us)(\/.*)$/.exec(url.pathname);
    if (!m) return apiError(res, 404, 'Not found');
    const region = m[1] as Region;
    const path = m[2];
    const client = OVH_FIXTURES.clients[region];

    if (path === '/auth/oauth2/authorize' && req.method === 'GET') {
      const p = url.searchParams;
      // Like any authorization server: a bad client or redirect URI is shown to the user, never redirected to.
      if (p.get('client_id') !== client.clientId) return oauthError(res, 400, 'invalid_client', 'unknown client_id for this region');
      const redirectUri = p.get('redirect_uri');
      if (!redirectUri || !/^https?:\/\//.test(redirectUri)) return oauthError(res, 400, 'invalid_request', 'redirect_uri is required');
      const back = new URL(redirectUri);
      const state = p.get('state');
      if (state) back.searchParams.set('state', state);
      if (p.get('response_type') !== 'code') back.searchParams.set('error', 'unsupported_response_type');
      else if (p.get('code_challenge') && p.get('code_challenge_method') !== 'S256') back.searchParams.set('error', 'invalid_request');
      else if (deny > 0) {
        deny--;
        back.searchParams.set('error', 'access_denied');
      } else {
        const code = mint('ovhsim-code-');
        codes.set(code, { region, clientId: client.clientId, redirectUri, challenge: p.get('code_challenge') ?? undefined, method: p.get('code_challenge_method') ?? undefined, expiresAt: Date.now() + 60_000 });
        back.searchParams.set('code', code);
      }
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }

    if (path === '/auth/oauth2/token' && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      let id = form.get('client_id');
      let sec = form.get('client_secret');
      const auth = req.headers.authorization;
      if (auth?.startsWith('Basic ')) {
        const pair = Buffer.from(auth.slice(6), 'base64').toString('utf8');
        [id, sec] = [pair.slice(0, pair.indexOf(':')), pair.slice(pair.indexOf(':') + 1)];
      }
      if (id !== client.clientId || sec !== client.clientSecret) return oauthError(res, 401, 'invalid_client', 'client authentication failed');
      const grant = form.get('grant_type');
      if (grant === 'authorization_code') {
        const code = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        if (!code || code.expiresAt < Date.now() || code.region !== region || code.clientId !== id) return oauthError(res, 400, 'invalid_grant', 'authorization code is invalid, expired or already used');
        if (form.get('redirect_uri') !== code.redirectUri) return oauthError(res, 400, 'invalid_grant', 'redirect_uri does not match the authorization request');
        if (code.challenge) {
          const verifier = form.get('code_verifier') ?? '';
          if (createHash('sha256').update(verifier).digest('base64url') !== code.challenge) return oauthError(res, 400, 'invalid_grant', 'PKCE verification failed');
        }
        return send(res, 200, issueTokens(region, client.clientId), { 'cache-control': 'no-store' });
      }
      if (grant === 'refresh_token') {
        const token = form.get('refresh_token') ?? '';
        const g = refresh.get(token);
        if (!g || g.revoked || g.expiresAt < Date.now() || g.region !== region || g.clientId !== id) return oauthError(res, 400, 'invalid_grant', 'refresh token is invalid, expired or revoked');
        g.revoked = true; // rotated: each refresh token works once
        refreshes++;
        return send(res, 200, issueTokens(region, client.clientId), { 'cache-control': 'no-store' });
      }
      return oauthError(res, 400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
    }

    if (path.startsWith('/1.0/') && req.method === 'GET') {
      const bearer = req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : '';
      const g = access.get(bearer);
      if (!g || g.revoked || g.expiresAt < Date.now() || g.region !== region) return apiError(res, 401, 'This credential is not valid');
      const acct = OVH_FIXTURES.accounts[region];
      if (path === '/1.0/me') {
        const { projects: _p, ...me } = acct;
        return send(res, 200, { ...me, currency: { code: 'EUR', symbol: 'EURO' }, ovhSubsidiary: region.toUpperCase(), state: 'complete' });
      }
      if (path === '/1.0/cloud/project') return send(res, 200, acct.projects);
      return apiError(res, 404, `The requested object (${path}) does not exist`);
    }
    return apiError(res, 404, 'Not found');
  }

  const { url, close } = await listenLoopback(
    async (req, res) => {
      await handle(req, res);
      persist();
    },
    { class: 'Server::InternalServerError', message: 'Internal server error' },
  );
  const env: Record<string, string> = { OVH_ALLOW_HTTP_REDIRECT: 'true' };
  for (const r of REGIONS) {
    const p = `OVH_${r.toUpperCase()}`;
    Object.assign(env, {
      [`${p}_CLIENT_ID`]: OVH_FIXTURES.clients[r].clientId,
      [`${p}_CLIENT_SECRET`]: OVH_FIXTURES.clients[r].clientSecret,
      [`${p}_AUTH_URL`]: `${url}/${r}/auth/oauth2/authorize`,
      [`${p}_TOKEN_URL`]: `${url}/${r}/auth/oauth2/token`,
      [`${p}_API_URL`]: `${url}/${r}/1.0`,
    });
  }
  const sim: OvhSimulator = {
    name: 'ovh',
    url,
    env,
    requests,
    fail: (o) => faults.fail(o),
    reset: () => {
      faults.reset();
      lifetime = 3600;
      deny = 0;
    },
    setLatency: (ms) => faults.setLatency(ms),
    setTokenLifetime: (s) => {
      lifetime = s;
    },
    revokeRefreshTokens: () => {
      refresh.forEach((g) => (g.revoked = true));
      persist();
    },
    denyNext: () => {
      deny++;
    },
    refreshCount: () => refreshes,
    issued: () => [...issued],
    close,
  };
  return sim;
};
