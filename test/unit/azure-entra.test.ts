import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { load } from '../../lib/config.ts';
import { ProviderAuthError, ProviderUnavailableError, ValidationError } from '../../lib/errors.ts';
import { redact } from '../../lib/log.ts';
import { setRetryDelayScale } from '../../lib/provider-http.ts';
import { secret } from '../../lib/secret-value.ts';
import { azure } from '../../lib/connectors/azure/definition.ts';
import { armToken } from '../../lib/connectors/azure/entra.ts';
import { getSubscription, listSubscriptions } from '../../lib/connectors/azure/arm.ts';
import { AZURE_SIM, startAzureSimulator, type AzureSimulator } from '../../lib/connectors/azure/simulator.ts';

/**
 * The client-credentials request to the simulated Entra ID over TLS (lib/connectors/azure/entra.ts),
 * and the ARM calls against the simulated ARM: what each answer becomes, how refused credentials
 * are told from outages, and that nothing of the request reaches an error.
 */
let sim: AzureSimulator;
// a generous timeout, so a loaded machine cannot turn an answer into a retried timeout; the cases
// where every attempt is held take a short one (HELD), since they wait it out each time
const cfg = (env: Record<string, string> = {}) => load({ ...sim.env, AZURE_HTTP_TIMEOUT_MS: '10000', AZURE_HTTP_MAX_RETRIES: '1', AZURE_HTTP_RETRY_DELAY_MS: '1', ...env }).azure;
const HELD = { AZURE_HTTP_TIMEOUT_MS: '300' };
const sp = (over: Partial<{ tenantId: string; clientId: string; clientSecret: string }> = {}) => {
  const v = { tenantId: AZURE_SIM.tenantId, clientId: AZURE_SIM.clientId, clientSecret: AZURE_SIM.clientSecret, ...over };
  return { tenantId: v.tenantId, clientId: v.clientId, clientSecret: secret(v.clientSecret) };
};
const tokenRequests = () => sim.control.requests.filter((r) => r === `POST entra /${AZURE_SIM.tenantId}/oauth2/v2.0/token`).length;
const seen: unknown[] = [];
async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    seen.push(e);
    return e as ProviderAuthError & ProviderUnavailableError;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  setRetryDelayScale(0.001);
  sim = (await startAzureSimulator({})) as AzureSimulator;
});
afterAll(async () => {
  await sim.close();
  setRetryDelayScale(1);
});
beforeEach(() => sim.control.reset());

describe('Entra ID token (client credentials)', () => {
  it('gets a token in one POST over TLS trusted only through AZURE_AUTHORITY_CA_PEM, for the ARM .default scope', async () => {
    const before = Date.now();
    const t = await armToken(cfg(), sp());
    const after = Date.now();
    expect(sim.control.issuedTokens()).toContain(t.reveal().token);
    // no metadata or instance discovery round trip first
    expect(sim.control.requests).toEqual([`POST entra /${AZURE_SIM.tenantId}/oauth2/v2.0/token`]);
    // expires_in (3599 s) counted from when the request left
    expect(t.reveal().expiresOnTimestamp).toBeGreaterThanOrEqual(before + 3599_000);
    expect(t.reveal().expiresOnTimestamp).toBeLessThanOrEqual(after + 3599_000);
    expect(JSON.stringify(t)).toBe('"[redacted]"');
  });

  it('takes the tenant by domain as well', async () => {
    await expect(armToken(cfg(), sp({ tenantId: AZURE_SIM.tenantDomain }))).resolves.toBeTruthy();
    expect(sim.control.requests).toEqual([`POST entra /${AZURE_SIM.tenantDomain}/oauth2/v2.0/token`]);
  });

  it('does not trust the simulator without its certificate (no silent TLS bypass)', async () => {
    const before = sim.control.issuedTokens().length;
    const e = await failure(armToken(cfg({ AZURE_AUTHORITY_CA_PEM: '' }), sp()));
    expect(e).toBeInstanceOf(ProviderUnavailableError);
    expect(e.status).toBe(503);
    expect(e.message).toBe('Azure AD could not be reached; try again');
    expect(sim.control.requests).toEqual([]);
    expect(sim.control.issuedTokens()).toHaveLength(before);
  });

  it('refuses an authority that is not https (the secret is posted there)', () => {
    expect(() => cfg({ AZURE_AUTHORITY_HOST: sim.authorityUrl.replace('https:', 'http:') })).toThrow(/AZURE_AUTHORITY_HOST/);
  });

  it.each(['../evil', 'contoso.onmicrosoft.com/oauth2/v2.0/token?x=', 'a b.com', '', 'https://login.microsoftonline.com'])('refuses tenant %j before any request (it is a path segment)', async (tenantId) => {
    const e = await failure(armToken(cfg(), sp({ tenantId })));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.status).toBe(400);
    expect(e.field).toBe('tenant_id');
    expect(sim.control.requests).toEqual([]);
  });

  it.each([
    ['a wrong secret', { clientSecret: 'wrong' }, 'AADSTS7000215: the client secret is invalid'],
    ['an unknown tenant', { tenantId: AZURE_SIM.unknownTenantId }, 'AADSTS90002: the tenant was not found'],
    ['an unknown application', { clientId: '00000000-0000-4000-8000-000000000000' }, 'AADSTS700016: the application (client id) was not found in the tenant'],
  ])('%s is "Invalid Azure credentials" (401) with the AADSTS reason, asked once', async (_what, over, reason) => {
    const e = await failure(armToken(cfg(), sp(over)));
    expect(e).toBeInstanceOf(ProviderAuthError);
    expect(e.status).toBe(401);
    expect(e.code).toBe('invalid_azure_credentials');
    expect(e.message).toBe('Invalid Azure credentials');
    expect(e.extra).toEqual({ reason });
    expect(sim.control.requests.filter((r) => r.includes('/token'))).toHaveLength(1);
  });

  it('an OAuth error without an AADSTS code is the reason itself', async () => {
    sim.control.fault = { target: 'token', status: 401, body: { error: 'invalid_client' } };
    expect((await failure(armToken(cfg(), sp()))).extra).toEqual({ reason: 'invalid_client' });
  });

  it('an outage, throttling or a timeout is "unavailable" (503), after cfg.maxRetries retries', async () => {
    sim.control.fault = { target: 'token', status: 503 };
    const down = await failure(armToken(cfg(), sp()));
    expect(down.status).toBe(503);
    expect(down.message).toBe('Azure AD is unavailable (HTTP 503); try again');
    expect(tokenRequests()).toBe(2);
    sim.control.reset();
    sim.control.fault = { target: 'token', status: 503 };
    await failure(armToken(cfg({ AZURE_HTTP_MAX_RETRIES: '3' }), sp()));
    expect(tokenRequests()).toBe(4);
    sim.control.reset();
    sim.control.fault = { target: 'token', status: 429 };
    expect((await failure(armToken(cfg(), sp()))).message).toMatch(/HTTP 429/);
    expect(tokenRequests()).toBe(2);
    sim.control.reset();
    sim.control.fault = { target: 'token', status: 502, body: '<html><body>Bad gateway</body></html>' };
    expect((await failure(armToken(cfg(), sp()))).message).toMatch(/Azure AD is unavailable \(HTTP 502\)/);
    sim.control.reset();
    sim.control.fault = { target: 'token', timeout: true };
    // our timeout's own message: the held request was given up by us, not dropped by the simulator
    const slow = await failure(armToken(cfg(HELD), sp()));
    expect(slow.status).toBe(503);
    expect(slow.message).toBe('Azure AD did not answer in time; try again');
    expect(tokenRequests()).toBe(2);
  });

  it('a Retry-After longer than the backoff allows ends the retries at once', async () => {
    sim.control.fault = { target: 'token', status: 429, retryAfter: '120' };
    expect((await failure(armToken(cfg(), sp()))).message).toMatch(/HTTP 429/);
    expect(tokenRequests()).toBe(1);
  });

  it('recovers from one transient 503 or one held request by itself', async () => {
    sim.control.fault = { target: 'token', status: 503, remaining: 1 };
    await expect(armToken(cfg(), sp())).resolves.toBeTruthy();
    expect(tokenRequests()).toBe(2);
    sim.control.reset();
    sim.control.fault = { target: 'token', timeout: true, remaining: 1 };
    // the retry must be answered within the timeout: a longer one than HELD, for a loaded machine
    await expect(armToken(cfg({ AZURE_HTTP_TIMEOUT_MS: '2000' }), sp())).resolves.toBeTruthy();
    expect(tokenRequests()).toBe(2);
  });

  it('a connection dropped every time is "could not be reached", after retrying', async () => {
    let connections = 0;
    const server: Server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const host = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const e = await failure(armToken(cfg({ AZURE_AUTHORITY_HOST: host, AZURE_HTTP_MAX_RETRIES: '2' }), sp()));
      expect(e.message).toBe('Azure AD could not be reached; try again');
      expect(connections).toBe(3);
    } finally {
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });

  it('a refused scope or grant type is our configuration, not the user: 502', async () => {
    const e = await failure(armToken(cfg({ AZURE_RESOURCE_MANAGER_AUDIENCE: 'https://graph.microsoft.com' }), sp()));
    expect(e).toBeInstanceOf(ProviderUnavailableError);
    expect(e.status).toBe(502);
    expect(e.message).toMatch(/AADSTS1002012.*AZURE_RESOURCE_MANAGER_AUDIENCE/);
    sim.control.fault = { target: 'token', status: 400, body: { error: 'unsupported_grant_type', error_codes: [70003] } };
    const g = await failure(armToken(cfg(), sp()));
    expect(g.status).toBe(502);
    expect(g.message).toMatch(/AADSTS70003.*AZURE_RESOURCE_MANAGER_AUDIENCE/);
  });

  it('a 200 without a token (or without its lifetime) is a 502, and an unexpected status names the authority setting', async () => {
    sim.control.fault = { target: 'token', status: 200, body: { token_type: 'Bearer', expires_in: 3599 } };
    const none = await failure(armToken(cfg(), sp()));
    expect(none).toBeInstanceOf(ProviderUnavailableError);
    expect(none.status).toBe(502);
    expect(none.message).toBe('Azure AD answered without a token; try again');
    sim.control.fault = { target: 'token', status: 200, body: { token_type: 'Bearer', access_token: 'eyJ.sim.no-lifetime' } };
    expect((await failure(armToken(cfg(), sp()))).status).toBe(502);
    sim.control.fault = { target: 'token', status: 404, body: '<html>Not Found</html>' };
    const lost = await failure(armToken(cfg(), sp()));
    expect(lost.status).toBe(502);
    expect(lost.message).toMatch(/HTTP 404.*AZURE_AUTHORITY_HOST/);
    // none of them retried
    expect(tokenRequests()).toBe(3);
  });

  it('no error above carries the secret, the request body or a token, in its message, its cause or a log line', () => {
    expect(seen.length).toBeGreaterThan(15);
    for (const e of seen) {
      for (const text of [inspect(e, { depth: 10 }), JSON.stringify(redact(e)), JSON.stringify(e)]) {
        for (const leak of [AZURE_SIM.clientSecret, 'client_secret', 'grant_type', 'eyJ', ...sim.control.issuedTokens()]) expect(text).not.toContain(leak);
      }
    }
  });
});

describe('ARM subscriptions', () => {
  it('follows nextLink through every page', async () => {
    sim.control.pageSize = 1;
    const subs = await listSubscriptions(cfg(), await armToken(cfg(), sp()));
    expect(subs.map((s) => [s.displayName, s.state])).toEqual([
      ['Legacy (disabled)', 'Disabled'],
      ['Azure Production', 'Enabled'],
      ['Azure Development', 'Enabled'],
    ]);
    expect(sim.control.requests.filter((r) => r.includes(' arm '))).toHaveLength(3);
  });

  it('reads one subscription, and says why one cannot be read', async () => {
    const c = cfg();
    const t = await armToken(c, sp());
    expect(await getSubscription(c, t, AZURE_SIM.subscriptions.production.subscriptionId)).toMatchObject({ displayName: 'Azure Production', state: 'Enabled' });
    expect(await getSubscription(c, t, AZURE_SIM.noEnabled.subscription.subscriptionId)).toEqual({ missing: 'AuthorizationFailed' });
    expect(await getSubscription(c, t, '11111111-2222-4333-8444-555555555555')).toEqual({ missing: 'SubscriptionNotFound' });
  });

  it('a token ARM refuses is "Invalid Azure credentials"; an ARM outage is unavailable', async () => {
    const c = cfg();
    const forged = secret({ token: 'forged', expiresOnTimestamp: Date.now() + 60_000 });
    const e = await failure(listSubscriptions(c, forged));
    expect(e).toBeInstanceOf(ProviderAuthError);
    expect(e.extra).toEqual({ reason: 'Azure Resource Manager refused the token (InvalidAuthenticationToken)' });
    sim.control.fault = { target: 'arm', status: 503 };
    expect((await failure(listSubscriptions(c, await armToken(c, sp())))).message).toMatch(/Azure Resource Manager is unavailable \(HTTP 503\)/);
  });
});

describe('Azure formats', () => {
  it.each(['7a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d', 'contoso.onmicrosoft.com', 'example.com'])('accepts tenant %s', (t) => {
    expect(azure.tenantPattern.test(t)).toBe(true);
  });
  it.each(['', 'contoso', 'a b.com', '../etc', '7a1d2c3b-4e5f-4a6b-8c7d', 'https://login.microsoftonline.com'])('refuses tenant %s', (t) => {
    expect(azure.tenantPattern.test(t)).toBe(false);
  });
});
