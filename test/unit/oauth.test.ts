import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderAuthError, ProviderUnavailableError } from '../../lib/errors.ts';
import { bindingCookie, bindingCookieName, bindingMatches, clearBindingCookie, newBinding, readCookie } from '../../lib/oauth/binding.ts';
import { OAuthRefusal } from '../../lib/oauth/errors.ts';
import { freshAccessToken, type RefreshPlan, type StoredTokens } from '../../lib/oauth/refresh.ts';
import { tokenRequest } from '../../lib/oauth/token.ts';
import { secret } from '../../lib/secret-value.ts';
import { setRetryDelayScale } from '../../lib/retry.ts';

describe('browser binding (lib/oauth/binding.ts)', () => {
  it('a nonce matches only its own hash, in constant time; a missing side never matches', () => {
    const a = newBinding();
    const b = newBinding();
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.hash).not.toContain(a.nonce);
    expect(bindingMatches(a.nonce, a.hash)).toBe(true);
    expect(bindingMatches(b.nonce, a.hash)).toBe(false);
    expect(bindingMatches(undefined, a.hash)).toBe(false);
    expect(bindingMatches(a.nonce, undefined)).toBe(false);
    expect(bindingMatches('x'.repeat(1000), a.hash)).toBe(false);
  });

  it('one cookie per flow, named after its state; cleared with Max-Age=0', () => {
    expect(bindingCookieName('state-1')).not.toBe(bindingCookieName('state-2'));
    expect(bindingCookieName('state-1')).not.toContain('state-1');
    expect(bindingCookie('s', 'n0nce', { secure: false, maxAgeSeconds: 600 })).toBe(`${bindingCookieName('s')}=n0nce; Path=/; Max-Age=600; HttpOnly; SameSite=Lax`);
    expect(bindingCookie('s', 'n0nce', { secure: true, maxAgeSeconds: 600 })).toMatch(/; Secure$/);
    expect(clearBindingCookie('s', { secure: false })).toBe(`${bindingCookieName('s')}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`);
  });

  it('reads a cookie from payload v2 cookies, whether split or joined', () => {
    expect(readCookie(['a=1', 'b=2=3'], 'b')).toBe('2=3');
    expect(readCookie(['a=1; b=2'], 'b')).toBe('2');
    expect(readCookie(['ab=1'], 'a')).toBeUndefined();
    expect(readCookie(undefined, 'a')).toBeUndefined();
  });
});

describe('the token request (lib/oauth/token.ts) against a fake token endpoint', () => {
  let url = '';
  let answer: (req: { headers: IncomingMessage['headers']; body: string }) => { status: number; body: unknown } = () => ({ status: 200, body: {} });
  const seen: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const r = { headers: req.headers, body: Buffer.concat(chunks).toString() };
    seen.push(r);
    const a = answer(r);
    res.writeHead(a.status, { 'content-type': 'application/json' });
    res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
  });
  beforeAll(async () => {
    setRetryDelayScale(0.001);
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  });
  afterAll(async () => {
    setRetryDelayScale(1);
    await new Promise((ok) => server.close(ok));
  });
  const ep = (over = {}) => ({ provider: 'Example', tokenUrl: url, clientId: 'cid', clientSecret: secret('csecret'), timeoutMs: 2000, attempts: 3, ...over });

  it('client_secret_post in a form by default; the token set with its extras', async () => {
    answer = () => ({ status: 200, body: { access_token: 'at', refresh_token: 'rt', expires_in: 60, token_type: 'Bearer', team: { id: 'T1' } } });
    const t = await tokenRequest(ep(), { grant_type: 'authorization_code', code: 'c' });
    expect(t).toEqual({ access_token: 'at', refresh_token: 'rt', expires_in: 60, token_type: 'Bearer', scope: undefined, id_token: undefined, extra: { team: { id: 'T1' } } });
    const req = seen.at(-1)!;
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({ grant_type: 'authorization_code', code: 'c', client_id: 'cid', client_secret: 'csecret' });
  });

  it('client_secret_basic and a JSON body (Atlassian) when the connector says so', async () => {
    answer = () => ({ status: 200, body: { access_token: 'at' } });
    await tokenRequest(ep({ clientAuth: 'basic', body: 'json' }), { grant_type: 'refresh_token', refresh_token: 'r' });
    const req = seen.at(-1)!;
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('cid:csecret').toString('base64')}`);
    expect(JSON.parse(req.body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'r' });
  });

  it("a refusal is OAuthRefusal with the provider's error code, never its free text", async () => {
    answer = () => ({ status: 400, body: { error: 'invalid_grant', error_description: 'code was already used by someone' } });
    const e = await tokenRequest(ep(), { grant_type: 'authorization_code', code: 'c' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OAuthRefusal);
    expect(e).toBeInstanceOf(ProviderAuthError);
    expect((e as OAuthRefusal).reason).toBe('invalid_grant');
    expect((e as Error).message).not.toContain('someone');
    answer = () => ({ status: 401, body: { error: '<script>' } });
    expect(((await tokenRequest(ep(), {}).catch((x: unknown) => x)) as OAuthRefusal).reason).toBe('invalid_request');
  });

  it('faults are retried as the endpoint allows, then ProviderUnavailableError; a code redeemed once is sent once', async () => {
    let n = 0;
    answer = () => (++n < 3 ? { status: 503, body: 'down' } : { status: 200, body: { access_token: 'late' } });
    expect((await tokenRequest(ep(), {})).access_token).toBe('late');
    expect(n).toBe(3);
    n = 0;
    answer = () => (++n, { status: 503, body: 'down' });
    await expect(tokenRequest(ep({ attempts: 1 }), {})).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(n).toBe(1);
    answer = () => ({ status: 200, body: { token_type: 'Bearer' } });
    await expect(tokenRequest(ep(), {})).rejects.toThrow(/no access token/);
  });
});

describe('refresh with rotation (lib/oauth/refresh.ts)', () => {
  const NOW = 1_000_000;
  /** A stored token set and a provider that rotates: each refresh token works once. */
  function world(initial: StoredTokens) {
    let stored: StoredTokens | null = initial;
    const valid = new Set([initial.refresh_token]);
    let seq = 0;
    const saves: StoredTokens[] = [];
    const plan: RefreshPlan<StoredTokens> = {
      provider: 'Example',
      skewMs: 60_000,
      nowMs: NOW,
      load: async () => stored,
      save: async (t: StoredTokens) => {
        saves.push(t);
        stored = t;
      },
      refresh: async (rt: string): Promise<StoredTokens> => {
        if (!valid.delete(rt)) throw new OAuthRefusal('invalid_grant', 'refused');
        seq++;
        const next = { access_token: `at-${seq}`, refresh_token: `rt-${seq}`, expires_at: NOW + 3600_000 };
        valid.add(next.refresh_token);
        return next;
      },
    };
    return { plan, saves, get stored() { return stored; }, setStored: (t: StoredTokens | null) => void (stored = t) };
  }

  it('a fresh token is used as it is, without a refresh', async () => {
    const w = world({ access_token: 'at-0', refresh_token: 'rt-0', expires_at: NOW + 600_000 });
    expect((await freshAccessToken(w.plan)).reveal()).toBe('at-0');
    expect(w.saves).toEqual([]);
  });

  it('near expiry: refreshed, and the rotated set is stored before the token is handed out', async () => {
    const w = world({ access_token: 'at-0', refresh_token: 'rt-0', expires_at: NOW + 30_000 });
    expect((await freshAccessToken(w.plan)).reveal()).toBe('at-1');
    expect(w.stored).toEqual({ access_token: 'at-1', refresh_token: 'rt-1', expires_at: NOW + 3600_000 });
    const failing = world({ access_token: 'at-0', refresh_token: 'rt-0', expires_at: NOW });
    failing.plan.save = async () => {
      throw new Error('store down');
    };
    await expect(freshAccessToken(failing.plan)).rejects.toThrow('store down');
  });

  it('two refreshes racing: the loser uses what the winner stored; a refusal with nothing newer is thrown', async () => {
    const w = world({ access_token: 'at-0', refresh_token: 'rt-0', expires_at: NOW });
    const [a, b] = await Promise.all([freshAccessToken(w.plan), freshAccessToken(w.plan)]);
    expect([a.reveal(), b.reveal()]).toEqual(['at-1', 'at-1']);
    const revoked = world({ access_token: 'at-0', refresh_token: 'gone', expires_at: NOW });
    revoked.plan.refresh = async () => {
      throw new OAuthRefusal('invalid_grant', 'refused');
    };
    await expect(freshAccessToken(revoked.plan)).rejects.toBeInstanceOf(OAuthRefusal);
  });

  it('a provider that does not rotate keeps the refresh token we hold; none stored or none at all is a reconnect', async () => {
    const w = world({ access_token: 'at-0', refresh_token: 'rt-0', expires_at: NOW });
    w.plan.refresh = async () => ({ access_token: 'at-x', expires_at: NOW + 3600_000 });
    await freshAccessToken(w.plan);
    expect(w.stored?.refresh_token).toBe('rt-0');
    w.setStored({ access_token: 'at-0', expires_at: NOW });
    await expect(freshAccessToken(w.plan)).rejects.toThrow(/no refresh token is stored; reconnect/);
    w.setStored(null);
    await expect(freshAccessToken(w.plan)).rejects.toThrow(/missing; reconnect/);
  });
});
