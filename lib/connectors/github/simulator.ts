import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunningSimulator, SimulatorStarter } from '../../local/simulator-types.ts';
import { entries, FaultSwitch, listenLoopback, mapOf, simStateFile } from '../../local/sim-kit.ts';

/**
 * Simulated GitHub, both hosts on one server: the web host (`/login/oauth/authorize`, which
 * approves at once as the account `login=` names, else the first fixture account, and 302s back
 * with code and state; `/login/oauth/access_token`, which answers JSON with 200 even for a refusal,
 * `error: bad_verification_code` or `incorrect_client_credentials`, as GitHub does; PKCE S256) and
 * the REST API under `/api/v3` (GET /user with X-OAuth-Scopes, "Bad credentials" 401 otherwise;
 * GET /user/repos and POST /repos/{login}/hello-world/issues for the credential proxy;
 * DELETE /applications/{client_id}/grant with the app's Basic credentials, which revokes every
 * token of the user's grant). `deliver()` posts a webhook delivery as GitHub's hookshot does.
 */
export const GITHUB_FIXTURES = {
  client: { clientId: 'Iv1.simgithub0000001', clientSecret: 'simgh-secret-0f1e2d3c4b5a69788796a5b4c3d2e1f0' },
  accounts: [
    { id: 583231, login: 'octo-sim', name: 'Octo Simulated' },
    { id: 9919, login: 'hubot-sim', name: null },
  ],
  /** what GitHub grants for scopes it does not know: nothing (they are dropped) */
  knownScopes: ['repo', 'read:org', 'read:user', 'user:email', 'workflow', 'admin:repo_hook', 'notifications', 'public_repo'],
};

interface Code {
  userId: number;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  challenge?: string;
  expiresAt: number;
}

interface Token {
  userId: number;
  clientId: string;
  scopes: string[];
  revoked: boolean;
}

interface State {
  codes: Array<[string, Code]>;
  tokens: Array<[string, Token]>;
  issued: string[];
}

export interface GithubSimulator extends RunningSimulator {
  url: string;
  fail(opts: { status?: number; delayMs?: number; times?: number; path?: RegExp }): void;
  reset(): void;
  setLatency(ms: number): void;
  /** the user revokes the app in GitHub's settings (Applications → Authorized OAuth Apps): every token of the grant stops working */
  revokeUser(login: string): void;
  /** a token of a revoked grant works again (undoing revokeUser for the tests that flip back) */
  restoreUser(login: string): void;
  /** the next authorization is refused by the user: 302 with error=access_denied */
  denyNext(): void;
  /** tokens of the user still usable */
  liveTokens(login: string): number;
  /** a delivery as GitHub sends it: the signed body, X-GitHub-Event, X-GitHub-Delivery; the webhook's answer */
  deliver(url: string, secret: string, event: string, payload: unknown, opts?: { deliveryId?: string }): Promise<{ status: number; body: string; deliveryId: string }>;
  /** every code and token issued so far (leak scans) */
  issued(): string[];
  /** method and path of every request (never headers or query) */
  requests: string[];
}

export const startGithubSimulator: SimulatorStarter = async (opts) => {
  const F = GITHUB_FIXTURES;
  const store = simStateFile<State>(opts.stateDir, 'github');
  const saved = store.load();
  const codes = mapOf<string, Code>(saved?.codes);
  const tokens = mapOf<string, Token>(saved?.tokens);
  const issued: string[] = saved?.issued ?? [];
  const faults = new FaultSwitch(opts.latencyMs ?? 0);
  const requests: string[] = [];
  let deny = 0;
  const persist = () => {
    const now = Date.now();
    for (const [k, v] of codes) if (v.expiresAt < now) codes.delete(k);
    store.save({ codes: entries(codes), tokens: entries(tokens), issued });
  };

  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const badCredentials = (res: ServerResponse) => send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  /** the token endpoint takes a form or JSON, as GitHub's does */
  const params = (raw: string, type: string | undefined): URLSearchParams => {
    if (type?.includes('json')) {
      try {
        return new URLSearchParams(Object.entries(JSON.parse(raw) as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)]));
      } catch {
        return new URLSearchParams();
      }
    }
    return new URLSearchParams(raw);
  };
  /** `prefix` and `length` random characters in GitHub's alphabet (tokens are gho_ and 36 more) */
  const mint = (prefix: string, length: number) => {
    const v = prefix + randomBytes(length * 2).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, length);
    issued.push(v);
    return v;
  };
  const account = (id: number) => F.accounts.find((a) => a.id === id);
  const byLogin = (login: string) => F.accounts.find((a) => a.login === login);
  const basic = (req: IncomingMessage): [string, string] | null => {
    const h = req.headers.authorization;
    if (!h?.startsWith('Basic ')) return null;
    const pair = Buffer.from(h.slice(6), 'base64').toString('utf8');
    const i = pair.indexOf(':');
    return i < 0 ? null : [pair.slice(0, i), pair.slice(i + 1)];
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    requests.push(`${method} ${path}`);
    const faultStatus = await faults.apply(path, res);
    if (res.destroyed) return;
    if (faultStatus) return send(res, faultStatus, { message: 'Server Error' });

    if (path === '/login/oauth/authorize' && method === 'GET') {
      const p = url.searchParams;
      // a bad client or redirect URI is shown to the user, never redirected to
      if (p.get('client_id') !== F.client.clientId) return send(res, 404, { message: 'Not Found' });
      const redirectUri = p.get('redirect_uri');
      if (!redirectUri || !/^https?:\/\//.test(redirectUri)) return send(res, 400, { error: 'redirect_uri_mismatch', error_description: 'The redirect_uri MUST match the registered callback URL for this application.' });
      const back = new URL(redirectUri);
      const state = p.get('state');
      if (state) back.searchParams.set('state', state);
      if (p.get('code_challenge') && p.get('code_challenge_method') !== 'S256') back.searchParams.set('error', 'invalid_request');
      else if (deny > 0) {
        deny--;
        back.searchParams.set('error', 'access_denied');
        back.searchParams.set('error_description', 'The user has denied your application access.');
      } else {
        const who = byLogin(p.get('login') ?? '') ?? F.accounts[0];
        const scopes = [...new Set((p.get('scope') ?? '').split(/[\s,]+/).filter((s) => F.knownScopes.includes(s)))].sort();
        const code = mint('', 20);
        codes.set(code, { userId: who.id, clientId: F.client.clientId, redirectUri, scopes, challenge: p.get('code_challenge') ?? undefined, expiresAt: Date.now() + 600_000 });
        back.searchParams.set('code', code);
      }
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }

    if (path === '/login/oauth/access_token' && method === 'POST') {
      const form = params(await readBody(req), req.headers['content-type']);
      const [id, sec] = basic(req) ?? [form.get('client_id'), form.get('client_secret')];
      // GitHub answers every refusal here with 200 and an error
      if (id !== F.client.clientId || sec !== F.client.clientSecret) {
        return send(res, 200, { error: 'incorrect_client_credentials', error_description: 'The client_id and/or client_secret passed are incorrect.', error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#incorrect-client-credentials' });
      }
      const key = form.get('code') ?? '';
      const code = codes.get(key);
      codes.delete(key);
      const bad = () => send(res, 200, { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.', error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code' });
      if (!code || code.expiresAt < Date.now() || code.clientId !== id) return bad();
      if (form.get('redirect_uri') && form.get('redirect_uri') !== code.redirectUri) return send(res, 200, { error: 'redirect_uri_mismatch', error_description: 'The redirect_uri MUST match the registered callback URL for this application.' });
      if (code.challenge && createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url') !== code.challenge) return bad();
      const token = mint('gho_', 36);
      tokens.set(token, { userId: code.userId, clientId: code.clientId, scopes: code.scopes, revoked: false });
      return send(res, 200, { access_token: token, token_type: 'bearer', scope: code.scopes.join(',') });
    }

    if (path.startsWith('/api/v3/')) {
      const api = path.slice('/api/v3'.length);
      const grant = /^\/applications\/([^/]+)\/grant$/.exec(api);
      if (grant && method === 'DELETE') {
        const creds = basic(req);
        if (!creds || creds[0] !== F.client.clientId || creds[1] !== F.client.clientSecret || decodeURIComponent(grant[1]) !== F.client.clientId) return badCredentials(res);
        let body: { access_token?: string } = {};
        try {
          body = JSON.parse((await readBody(req)) || '{}') as typeof body;
        } catch {
          return send(res, 400, { message: 'Problems parsing JSON' });
        }
        const t = tokens.get(body.access_token ?? '');
        if (!t || t.revoked || t.clientId !== F.client.clientId) return send(res, 404, { message: 'Not Found' });
        // the grant, not just this token: every token of the user for the app
        for (const [k, v] of tokens) if (v.userId === t.userId && v.clientId === t.clientId) tokens.delete(k);
        return send(res, 204);
      }
      const h = req.headers.authorization ?? '';
      const bearer = /^(?:Bearer|token) (.+)$/i.exec(h)?.[1] ?? '';
      const t = tokens.get(bearer);
      if (!t || t.revoked) return badCredentials(res);
      const a = account(t.userId)!;
      const common = { 'x-oauth-scopes': t.scopes.join(', '), 'x-accepted-oauth-scopes': '', 'x-github-media-type': 'github.v3; format=json', 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999' };
      if (api === '/user' && method === 'GET') {
        return send(res, 200, { login: a.login, id: a.id, node_id: `U_sim${a.id}`, type: 'User', site_admin: false, name: a.name, html_url: `https://github.com/${a.login}`, created_at: '2011-01-25T18:44:36Z' }, common);
      }
      if (api === '/user/repos' && method === 'GET') return send(res, 200, [{ id: 1296269, name: 'hello-world', full_name: `${a.login}/hello-world`, private: false }], common);
      // an issue opened on the user's own repository: the write the proxy leaves to Agent mode
      const issues = /^\/repos\/([^/]+)\/hello-world\/issues$/.exec(api);
      if (issues && decodeURIComponent(issues[1]) === a.login && method === 'POST') {
        let body: { title?: unknown } = {};
        try {
          body = JSON.parse((await readBody(req)) || '{}') as typeof body;
        } catch {
          return send(res, 400, { message: 'Problems parsing JSON' });
        }
        if (typeof body.title !== 'string' || !body.title) return send(res, 422, { message: 'Validation Failed', errors: [{ resource: 'Issue', code: 'missing_field', field: 'title' }] }, common);
        return send(res, 201, { number: 1, title: body.title, state: 'open', user: { login: a.login } }, common);
      }
      return send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }, common);
    }
    return send(res, 404, { message: 'Not Found' });
  }

  const { url, close } = await listenLoopback(
    async (req, res) => {
      await handle(req, res);
      persist();
    },
    { message: 'Server Error' },
  );

  const setRevoked = (login: string, revoked: boolean) => {
    const a = byLogin(login);
    if (!a) throw new Error(`no fixture account ${login}`);
    for (const t of tokens.values()) if (t.userId === a.id) t.revoked = revoked;
    persist();
  };

  const sim: GithubSimulator = {
    name: 'github',
    url,
    env: { GH_OAUTH_CLIENT_ID: F.client.clientId, GH_OAUTH_CLIENT_SECRET: F.client.clientSecret, GITHUB_WEB_URL: url, GITHUB_API_URL: `${url}/api/v3` },
    requests,
    fail: (o) => faults.fail(o),
    reset: () => {
      faults.reset();
      deny = 0;
    },
    setLatency: (ms) => faults.setLatency(ms),
    revokeUser: (login) => setRevoked(login, true),
    restoreUser: (login) => setRevoked(login, false),
    denyNext: () => {
      deny++;
    },
    liveTokens: (login) => [...tokens.values()].filter((t) => t.userId === byLogin(login)?.id && !t.revoked).length,
    async deliver(target, secret, event, payload, o = {}) {
      const body = JSON.stringify(payload);
      const deliveryId = o.deliveryId ?? randomUUID();
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'GitHub-Hookshot/sim0001',
        'x-github-event': event,
        'x-github-delivery': deliveryId,
        'x-github-hook-id': '460000001',
        'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`,
        'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      };
      const r = await fetch(target, { method: 'POST', headers, body });
      return { status: r.status, body: await r.text(), deliveryId };
    },
    issued: () => [F.client.clientSecret, ...issued],
    close,
  };
  return sim;
};
