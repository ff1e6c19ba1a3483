import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunningSimulator, SimulatorStarter } from '../../local/simulator-types.ts';
import { entries, FaultSwitch, listenLoopback, mapOf, simStateFile } from '../../local/sim-kit.ts';

/**
 * Simulated PagerDuty: the REST API v2 calls we make (GET /users, GET /users/me, webhook
 * subscriptions: create, read, delete) with "Token token=" API keys and "Bearer" OAuth tokens, and
 * the OAuth server (authorize, which approves at once and 302s back; token, with PKCE and rotating
 * refresh tokens; revoke). `deliver()` sends a v3 webhook the way PagerDuty does: one event,
 * signed `X-PagerDuty-Signature: v1=<hmac>` with the subscription's secret. Errors have PagerDuty's
 * shape, `{"error":{"message","code"}}`.
 */
export const PAGERDUTY_FIXTURES = {
  account: { subdomain: 'aurora-sim', ownerEmail: 'owner@aurora-sim.example' },
  otherAccount: { subdomain: 'other-sim', ownerEmail: 'owner@other-sim.example' },
  /** a read-write general access key of aurora-sim */
  token: 'u+SimPdReadWrite0001',
  /** a second key of the same account (rotation) */
  token2: 'u+SimPdReadWrite0002',
  /** a read-only key of aurora-sim: it may not create webhook subscriptions */
  readOnlyToken: 'y_SimPdReadOnly00001',
  /** a key of another account */
  otherToken: 'u+SimPdOtherAcct0001',
  /** well-formed, unknown */
  unknownToken: 'u+SimPdUnknown000001',
  client: { clientId: 'sim-pagerduty-client', clientSecret: 'sim-pagerduty-secret-Wq7Rt2Yp9Lk4' },
  oauthUser: { id: 'PSIMUSR', email: 'oncall@aurora-sim.example', name: 'On Call' },
};
const F = PAGERDUTY_FIXTURES;

interface Subscription {
  id: string;
  account: string;
  url: string;
  description: string;
  events: string[];
  secret: string;
}
interface Grant {
  access: string;
  refresh: string;
  expiresAt: number;
  revoked: boolean;
}
interface State {
  subscriptions: Array<[string, Subscription]>;
  grants: Grant[];
  revoked: string[];
  issued: string[];
}

export interface PagerDutySimulator extends RunningSimulator {
  url: string;
  fail(opts: { status?: number; delayMs?: number; times?: number; path?: RegExp }): void;
  reset(): void;
  setLatency(ms: number): void;
  /** a key or token stops working (deleted in PagerDuty); restore undoes it */
  revoke(token: string): void;
  restore(token: string): void;
  /** lifetime of the OAuth access tokens issued from now on (seconds) */
  setTokenLifetime(seconds: number): void;
  /** the webhook subscriptions of an account */
  subscriptions(subdomain?: string): Subscription[];
  /** refresh grants redeemed, and refresh tokens revoked (at disconnect) so far */
  counts(): { refreshes: number; revocations: number };
  /** whether an issued OAuth access or refresh token is still valid */
  isLive(token: string): boolean;
  /** a v3 delivery of one incident event to the subscription, signed as PagerDuty signs; its answer */
  deliver(subscriptionId: string, event: { type: string; id?: string; title?: string; urgency?: 'high' | 'low'; occurredAt?: string }, opts?: { extraSignatures?: string[] }): Promise<{ status: number; body: string; eventId: string; rawBody: string }>;
  issuedSecrets(): string[];
  /** method and path of every request (never headers) */
  requests: string[];
}

const KEYS: Record<string, { account: typeof F.account; write: boolean }> = {
  [F.token]: { account: F.account, write: true },
  [F.token2]: { account: F.account, write: true },
  [F.readOnlyToken]: { account: F.account, write: false },
  [F.otherToken]: { account: F.otherAccount, write: true },
};

export const startPagerDutySimulator: SimulatorStarter = async (opts) => {
  const store = simStateFile<State>(opts.stateDir, 'pagerduty');
  const saved = store.load();
  const subs = mapOf<string, Subscription>(saved?.subscriptions);
  const grants: Grant[] = saved?.grants ?? [];
  const revoked = new Set<string>(saved?.revoked ?? []);
  const issued: string[] = saved?.issued ?? [];
  const codes = new Map<string, { redirectUri: string; challenge?: string; expiresAt: number }>();
  let lifetime = 3600;
  let refreshes = 0;
  let revocations = 0;
  const persist = () => store.save({ subscriptions: entries(subs), grants, revoked: [...revoked], issued });
  const faults = new FaultSwitch(opts.latencyMs ?? 0);
  const requests: string[] = [];
  const mint = (prefix: string, n = 18) => {
    const v = prefix + randomBytes(n).toString('base64url');
    issued.push(v);
    return v;
  };
  const pdId = () => `P${randomBytes(5).toString('hex').toUpperCase().slice(0, 6)}`;

  const send = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const pdError = (res: ServerResponse, status: number, message: string, code: number) => send(res, status, { error: { message, code } });
  const oauthError = (res: ServerResponse, status: number, error: string, description: string) => send(res, status, { error, error_description: description });
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const userOf = (account: typeof F.account, u: { id: string; email: string; name: string }) => ({
    id: u.id,
    type: 'user',
    name: u.name,
    email: u.email,
    role: 'owner',
    self: `https://api.pagerduty.com/users/${u.id}`,
    html_url: `https://${account.subdomain}.pagerduty.com/users/${u.id}`,
  });
  const issue = () => {
    const g: Grant = { access: mint('pdsim-at-'), refresh: mint('pdsim-rt-'), expiresAt: Date.now() + lifetime * 1000, revoked: false };
    grants.push(g);
    return { access_token: g.access, refresh_token: g.refresh, token_type: 'bearer', expires_in: lifetime, scope: 'read write' };
  };
  const clientOk = (form: URLSearchParams) => form.get('client_id') === F.client.clientId && form.get('client_secret') === F.client.clientSecret;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    requests.push(`${method} ${path}`);
    const faultStatus = await faults.apply(path, res);
    if (res.destroyed) return;
    if (faultStatus) return pdError(res, faultStatus, 'Internal Server Error', 5000);

    if (path === '/oauth/authorize' && method === 'GET') {
      const p = url.searchParams;
      if (p.get('client_id') !== F.client.clientId) return oauthError(res, 400, 'invalid_client', 'unknown client_id');
      const redirectUri = p.get('redirect_uri');
      if (!redirectUri || !/^https?:\/\//.test(redirectUri)) return oauthError(res, 400, 'invalid_request', 'redirect_uri is required');
      const back = new URL(redirectUri);
      if (p.get('state')) back.searchParams.set('state', p.get('state')!);
      if (p.get('response_type') !== 'code') back.searchParams.set('error', 'unsupported_response_type');
      else if (p.get('code_challenge') && p.get('code_challenge_method') !== 'S256') back.searchParams.set('error', 'invalid_request');
      else {
        const code = mint('pdsim-code-');
        codes.set(code, { redirectUri, challenge: p.get('code_challenge') ?? undefined, expiresAt: Date.now() + 60_000 });
        back.searchParams.set('code', code);
      }
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (path === '/oauth/token' && method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      if (!clientOk(form)) return oauthError(res, 401, 'invalid_client', 'client authentication failed');
      if (form.get('grant_type') === 'authorization_code') {
        const c = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        if (!c || c.expiresAt < Date.now() || c.redirectUri !== form.get('redirect_uri')) return oauthError(res, 400, 'invalid_grant', 'authorization code is invalid, expired or already used');
        if (c.challenge && createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url') !== c.challenge) return oauthError(res, 400, 'invalid_grant', 'PKCE verification failed');
        return send(res, 200, issue());
      }
      if (form.get('grant_type') === 'refresh_token') {
        const g = grants.find((x) => x.refresh === form.get('refresh_token'));
        if (!g || g.revoked) return oauthError(res, 400, 'invalid_grant', 'refresh token is invalid or revoked');
        g.revoked = true; // rotated: each refresh token works once, and its access token ends with it
        refreshes++;
        return send(res, 200, issue());
      }
      return oauthError(res, 400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
    }
    if (path === '/oauth/revoke' && method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      if (!clientOk(form)) return oauthError(res, 401, 'invalid_client', 'client authentication failed');
      const t = form.get('token') ?? '';
      const g = grants.find((x) => x.access === t || x.refresh === t);
      if (g && !g.revoked) {
        g.revoked = true;
        revocations++;
      }
      return send(res, 200, {});
    }

    // the REST API
    if (req.headers.accept !== 'application/vnd.pagerduty+json;version=2') return pdError(res, 406, 'Not Acceptable: send Accept: application/vnd.pagerduty+json;version=2', 2000);
    const auth = String(req.headers.authorization ?? '');
    let who: { account: typeof F.account; write: boolean; user?: typeof F.oauthUser } | undefined;
    if (auth.startsWith('Token token=')) {
      const key = auth.slice('Token token='.length);
      if (!revoked.has(key)) who = KEYS[key];
    } else if (auth.startsWith('Bearer ')) {
      const g = grants.find((x) => x.access === auth.slice(7));
      if (g && !g.revoked && g.expiresAt > Date.now()) who = { account: F.account, write: true, user: F.oauthUser };
    }
    if (!who) return pdError(res, 401, 'Unauthorized', 2006);

    if (path === '/users' && method === 'GET') return send(res, 200, { users: [userOf(who.account, { id: 'PSIMOWN', email: who.account.ownerEmail, name: 'Owner' })], limit: Number(url.searchParams.get('limit') ?? 25), offset: 0, more: false, total: null });
    if (path === '/users/me' && method === 'GET') {
      if (!who.user) return pdError(res, 400, 'Invalid Input Provided: this endpoint requires a user-level token', 2001);
      return send(res, 200, { user: userOf(who.account, who.user) });
    }
    if (path === '/webhook_subscriptions' && method === 'POST') {
      if (!who.write) return pdError(res, 403, 'Access Denied', 2010);
      let doc: { webhook_subscription?: { delivery_method?: { url?: string; type?: string }; description?: string; events?: string[]; filter?: { type?: string } } };
      try {
        doc = JSON.parse(await readBody(req));
      } catch {
        return pdError(res, 400, 'Invalid Input Provided', 2001);
      }
      const w = doc.webhook_subscription;
      if (!w?.delivery_method?.url || w.delivery_method.type !== 'http_delivery_method' || !Array.isArray(w.events) || !w.filter?.type) return pdError(res, 400, 'Invalid Input Provided', 2001);
      const sub: Subscription = { id: pdId(), account: who.account.subdomain, url: w.delivery_method.url, description: w.description ?? '', events: w.events, secret: mint('pdsim-whsec-', 24) };
      subs.set(sub.id, sub);
      return send(res, 201, { webhook_subscription: view(sub, true) });
    }
    const m = /^\/webhook_subscriptions\/([A-Z0-9]+)$/.exec(path);
    if (m) {
      const sub = subs.get(m[1]);
      if (!sub || sub.account !== who.account.subdomain) return pdError(res, 404, 'Not Found', 2100);
      if (method === 'GET') return send(res, 200, { webhook_subscription: view(sub, false) });
      if (method === 'DELETE') {
        if (!who.write) return pdError(res, 403, 'Access Denied', 2010);
        subs.delete(sub.id);
        res.writeHead(204);
        return res.end();
      }
    }
    return pdError(res, 404, 'Not Found', 2100);
  }

  // the secret is shown only in the answer to the creation, as PagerDuty does
  const view = (s: Subscription, withSecret: boolean) => ({
    id: s.id,
    type: 'webhook_subscription',
    active: true,
    description: s.description,
    events: s.events,
    filter: { type: 'account_reference' },
    delivery_method: { id: `D${s.id.slice(1)}`, type: 'http_delivery_method', url: s.url, custom_headers: [], temporarily_disabled: false, secret: withSecret ? s.secret : null },
  });

  const { url, close } = await listenLoopback(
    async (req, res) => {
      await handle(req, res);
      persist();
    },
    { error: { message: 'Internal Server Error', code: 5000 } },
  );

  const sim: PagerDutySimulator = {
    name: 'pagerduty',
    url,
    env: {
      PAGERDUTY_API_URL: url,
      PAGERDUTY_OAUTH_AUTH_URL: `${url}/oauth/authorize`,
      PAGERDUTY_OAUTH_TOKEN_URL: `${url}/oauth/token`,
      PAGERDUTY_OAUTH_REVOKE_URL: `${url}/oauth/revoke`,
      PAGERDUTY_CLIENT_ID: F.client.clientId,
      PAGERDUTY_CLIENT_SECRET: F.client.clientSecret,
    },
    requests,
    fail: (o) => faults.fail(o),
    reset: () => {
      faults.reset();
      lifetime = 3600;
    },
    setLatency: (ms) => faults.setLatency(ms),
    revoke: (t) => {
      revoked.add(t);
      persist();
    },
    restore: (t) => {
      revoked.delete(t);
      persist();
    },
    setTokenLifetime: (s) => {
      lifetime = s;
    },
    subscriptions: (subdomain) => [...subs.values()].filter((s) => !subdomain || s.account === subdomain),
    counts: () => ({ refreshes, revocations }),
    isLive: (t) => grants.some((g) => (g.access === t || g.refresh === t) && !g.revoked),
    async deliver(subscriptionId, ev, o = {}) {
      const sub = subs.get(subscriptionId);
      if (!sub) throw new Error(`no webhook subscription ${subscriptionId}`);
      const eventId = ev.id ?? `01${randomBytes(12).toString('hex').toUpperCase()}`;
      const incident = pdId();
      const status = ev.type.replace(/^incident\./, '');
      const rawBody = JSON.stringify({
        event: {
          id: eventId,
          event_type: ev.type,
          resource_type: 'incident',
          occurred_at: ev.occurredAt ?? new Date().toISOString(),
          agent: { html_url: `https://${sub.account}.pagerduty.com/users/PSIMOWN`, id: 'PSIMOWN', self: 'https://api.pagerduty.com/users/PSIMOWN', summary: 'Owner', type: 'user_reference' },
          client: null,
          data: {
            id: incident,
            type: 'incident',
            self: `https://api.pagerduty.com/incidents/${incident}`,
            html_url: `https://${sub.account}.pagerduty.com/incidents/${incident}`,
            number: 1,
            status: ['triggered', 'acknowledged', 'resolved'].includes(status) ? status : 'triggered',
            incident_key: randomBytes(16).toString('hex'),
            created_at: new Date().toISOString(),
            title: ev.title ?? 'A little bump in the road',
            service: { html_url: `https://${sub.account}.pagerduty.com/services/PSIMSVC`, id: 'PSIMSVC', self: 'https://api.pagerduty.com/services/PSIMSVC', summary: 'Checkout', type: 'service_reference' },
            assignees: [],
            escalation_policy: { id: 'PSIMESC', summary: 'Default', type: 'escalation_policy_reference' },
            teams: [],
            priority: null,
            urgency: ev.urgency ?? 'high',
            conference_bridge: null,
            resolve_reason: null,
          },
        },
      });
      const sig = `v1=${createHmac('sha256', sub.secret).update(rawBody, 'utf8').digest('hex')}`;
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'PagerDuty-Webhook/V3.0',
        'x-webhook-id': randomBytes(8).toString('hex'),
        'x-webhook-subscription': sub.id,
        'x-pagerduty-signature': [...(o.extraSignatures ?? []), sig].join(','),
      };
      const r = await fetch(sub.url, { method: 'POST', headers, body: rawBody });
      return { status: r.status, body: await r.text(), eventId, rawBody };
    },
    issuedSecrets: () => [F.token, F.token2, F.readOnlyToken, F.otherToken, F.unknownToken, F.client.clientSecret, ...issued.filter((t) => !t.startsWith('pdsim-code-')), ...[...subs.values()].map((s) => s.secret)],
    close,
  };
  return sim;
};
