import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunningSimulator, SimulatorStarter } from '../../local/simulator-types.ts';
import { entries, FaultSwitch, listenLoopback, mapOf, simStateFile } from '../../local/sim-kit.ts';

/**
 * Simulated Slack, web and API hosts on one server: the OAuth v2 install page (/oauth/v2/authorize,
 * approving at once into the workspace `team=` names, else the first fixture workspace, with a
 * 302 back carrying code and state; PKCE S256) and the Web API under /api: oauth.v2.access,
 * auth.test and auth.revoke, each answering 200 with `ok: false` and an error for a refusal
 * (invalid_code, bad_client_secret, invalid_auth, token_revoked), as Slack does, and 429 with
 * Retry-After when told to. `sendEvent()` posts an Events API request signed the way Slack signs
 * one (v0, with the app's signing secret and a timestamp).
 */
export const SLACK_FIXTURES = {
  app: { clientId: '4242424242.1111111111111', clientSecret: 'simslack0c1d2e3f4a5b6c7d8e9f0a1b2c3', signingSecret: 'simslacksign8f7e6d5c4b3a29180716253a4b', appId: 'A0SIMAURORA' },
  teams: [
    { id: 'T0SIMAURORA', name: 'Aurora Sim', domain: 'aurora-sim', botUser: 'aurora', botUserId: 'U0SIMBOT01', botId: 'B0SIMBOT01', installer: 'U0SIMUSER1' },
    { id: 'T0SIMOTHER', name: 'Other Sim', domain: 'other-sim', botUser: 'aurora', botUserId: 'U0SIMBOT02', botId: 'B0SIMBOT02', installer: 'U0SIMUSER2' },
  ],
};

interface Code {
  teamId: string;
  redirectUri: string;
  scopes: string;
  challenge?: string;
  expiresAt: number;
}

interface Token {
  teamId: string;
  scopes: string;
  /** auth.revoke (gone for good) or the app removed from the workspace (restorable in tests) */
  revoked: boolean;
  uninstalled: boolean;
}

interface State {
  codes: Array<[string, Code]>;
  tokens: Array<[string, Token]>;
  issued: string[];
}

export interface SlackSimulator extends RunningSimulator {
  url: string;
  fail(opts: { status?: number; delayMs?: number; times?: number; path?: RegExp }): void;
  reset(): void;
  setLatency(ms: number): void;
  /** the app is removed from the workspace: its tokens answer `token_revoked`; reinstall undoes it */
  uninstall(teamId: string): void;
  reinstall(teamId: string): void;
  /** the next install is refused by the user: 302 with error=access_denied */
  denyNext(): void;
  /** bot tokens of the workspace still usable */
  liveTokens(teamId: string): number;
  /** an Events API request to `url`, signed with the app's signing secret (or `secret`) at `timestamp` (seconds; now by default) */
  sendEvent(url: string, body: unknown, opts?: { timestamp?: number; secret?: string }): Promise<{ status: number; body: string }>;
  /** every code and token issued so far, and the app's secrets (leak scans) */
  issued(): string[];
  /** method and path of every request */
  requests: string[];
}

export const startSlackSimulator: SimulatorStarter = async (opts) => {
  const F = SLACK_FIXTURES;
  const store = simStateFile<State>(opts.stateDir, 'slack');
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

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, error: string) => send(res, 200, { ok: false, error });
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const mint = (prefix: string, length: number) => {
    const v = prefix + randomBytes(length * 2).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, length);
    issued.push(v);
    return v;
  };
  const team = (id: string) => F.teams.find((t) => t.id === id);

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    requests.push(`${method} ${path}`);
    const faultStatus = await faults.apply(path, res);
    if (res.destroyed) return;
    if (faultStatus) return send(res, faultStatus, { ok: false, error: faultStatus === 429 ? 'ratelimited' : 'internal_error' }, faultStatus === 429 ? { 'retry-after': '1' } : {});

    if (path === '/oauth/v2/authorize' && method === 'GET') {
      const p = url.searchParams;
      // a bad client or redirect URI is shown to the user on Slack's page, never redirected to
      if (p.get('client_id') !== F.app.clientId) return send(res, 400, { ok: false, error: 'invalid_client_id' });
      const redirectUri = p.get('redirect_uri');
      if (!redirectUri || !/^https?:\/\//.test(redirectUri)) return send(res, 400, { ok: false, error: 'bad_redirect_uri' });
      if (!p.get('scope') && !p.get('user_scope')) return send(res, 400, { ok: false, error: 'invalid_scope' });
      const back = new URL(redirectUri);
      const state = p.get('state');
      if (state) back.searchParams.set('state', state);
      if (p.get('code_challenge') && p.get('code_challenge_method') !== 'S256') back.searchParams.set('error', 'invalid_request');
      else if (deny > 0) {
        deny--;
        back.searchParams.set('error', 'access_denied');
      } else {
        const t = team(p.get('team') ?? '') ?? F.teams[0];
        const code = `${Date.now()}.${mint('', 24)}`;
        issued.push(code);
        codes.set(code, { teamId: t.id, redirectUri, scopes: p.get('scope') ?? '', challenge: p.get('code_challenge') ?? undefined, expiresAt: Date.now() + 600_000 });
        back.searchParams.set('code', code);
      }
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }

    if (path.startsWith('/api/') && method === 'POST') {
      const raw = await readBody(req);
      const form = new URLSearchParams(req.headers['content-type']?.includes('json') ? '' : raw);
      const api = path.slice('/api/'.length);

      if (api === 'oauth.v2.access') {
        let id = form.get('client_id');
        let sec = form.get('client_secret');
        const auth = req.headers.authorization;
        if (auth?.startsWith('Basic ')) {
          const pair = Buffer.from(auth.slice(6), 'base64').toString('utf8');
          [id, sec] = [pair.slice(0, pair.indexOf(':')), pair.slice(pair.indexOf(':') + 1)];
        }
        if (id !== F.app.clientId) return fail(res, 'invalid_client_id');
        if (sec !== F.app.clientSecret) return fail(res, 'bad_client_secret');
        const key = form.get('code') ?? '';
        const code = codes.get(key);
        codes.delete(key);
        if (!code || code.expiresAt < Date.now()) return fail(res, 'invalid_code');
        if (form.get('redirect_uri') !== code.redirectUri) return fail(res, 'bad_redirect_uri');
        if (code.challenge && createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url') !== code.challenge) return fail(res, 'invalid_code_verifier');
        const t = team(code.teamId)!;
        const token = `xoxb-${mint('', 12)}-${mint('', 13)}-${mint('', 24)}`;
        issued.push(token);
        tokens.set(token, { teamId: t.id, scopes: code.scopes, revoked: false, uninstalled: false });
        return send(res, 200, {
          ok: true,
          app_id: F.app.appId,
          authed_user: { id: t.installer },
          scope: code.scopes,
          token_type: 'bot',
          access_token: token,
          bot_user_id: t.botUserId,
          team: { id: t.id, name: t.name },
          enterprise: null,
          is_enterprise_install: false,
        });
      }

      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? form.get('token') ?? '';
      if (!bearer) return fail(res, 'not_authed');
      const tok = tokens.get(bearer);
      if (!tok) return fail(res, 'invalid_auth');
      if (tok.revoked || tok.uninstalled) return fail(res, 'token_revoked');
      const t = team(tok.teamId)!;
      if (api === 'auth.test') {
        return send(res, 200, { ok: true, url: `https://${t.domain}.slack.com/`, team: t.name, user: t.botUser, team_id: t.id, user_id: t.botUserId, bot_id: t.botId, is_enterprise_install: false }, { 'x-oauth-scopes': tok.scopes });
      }
      if (api === 'auth.revoke') {
        if (form.get('test') === 'true' || form.get('test') === '1') return send(res, 200, { ok: true, revoked: false });
        tok.revoked = true;
        return send(res, 200, { ok: true, revoked: true });
      }
      if (api === 'conversations.list') return send(res, 200, { ok: true, channels: [{ id: 'C0SIMGENERAL', name: 'general', is_channel: true, is_member: false }, { id: 'C0SIMALERTS', name: 'alerts', is_channel: true, is_member: true }], response_metadata: { next_cursor: '' } });
      return fail(res, 'unknown_method');
    }
    return send(res, 404, { ok: false, error: 'not_found' });
  }

  const { url, close } = await listenLoopback(
    async (req, res) => {
      await handle(req, res);
      persist();
    },
    { ok: false, error: 'internal_error' },
  );

  const setInstalled = (teamId: string, installed: boolean) => {
    for (const t of tokens.values()) if (t.teamId === teamId) t.uninstalled = !installed;
    persist();
  };

  const sim: SlackSimulator = {
    name: 'slack',
    url,
    env: { SLACK_CLIENT_ID: F.app.clientId, SLACK_CLIENT_SECRET: F.app.clientSecret, SLACK_SIGNING_SECRET: F.app.signingSecret, SLACK_WEB_URL: url, SLACK_API_URL: `${url}/api` },
    requests,
    fail: (o) => faults.fail(o),
    reset: () => {
      faults.reset();
      deny = 0;
    },
    setLatency: (ms) => faults.setLatency(ms),
    uninstall: (teamId) => setInstalled(teamId, false),
    reinstall: (teamId) => setInstalled(teamId, true),
    denyNext: () => {
      deny++;
    },
    liveTokens: (teamId) => [...tokens.values()].filter((t) => t.teamId === teamId && !t.revoked && !t.uninstalled).length,
    async sendEvent(target, body, o = {}) {
      const raw = JSON.stringify(body);
      const ts = String(o.timestamp ?? Math.floor(Date.now() / 1000));
      const sig = `v0=${createHmac('sha256', o.secret ?? F.app.signingSecret).update(`v0:${ts}:${raw}`).digest('hex')}`;
      const r = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)', 'x-slack-request-timestamp': ts, 'x-slack-signature': sig }, body: raw });
      return { status: r.status, body: await r.text() };
    },
    issued: () => [F.app.clientSecret, F.app.signingSecret, ...issued],
    close,
  };
  return sim;
};
