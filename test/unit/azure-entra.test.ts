import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { load } from '../../lib/config.ts';
import { ProviderAuthError, ProviderUnavailableError } from '../../lib/errors.ts';
import { setRetryDelayScale } from '../../lib/provider-http.ts';
import { secret } from '../../lib/secret-value.ts';
import { azure } from '../../lib/connectors/azure/definition.ts';
import { armToken } from '../../lib/connectors/azure/entra.ts';
import { getSubscription, listSubscriptions } from '../../lib/connectors/azure/arm.ts';
import { AZURE_SIM, startAzureSimulator, type AzureSimulator } from '../../lib/connectors/azure/simulator.ts';

/**
 * @azure/identity's ClientSecretCredential (MSAL) against the simulated Entra ID over TLS, and the
 * ARM calls against the simulated ARM: what the real library does with each answer, and how we
 * tell refused credentials from outages.
 */
let sim: AzureSimulator;
const cfg = (env: Record<string, string> = {}) => load({ ...sim.env, AZURE_HTTP_TIMEOUT_MS: '300', AZURE_HTTP_MAX_RETRIES: '1', AZURE_HTTP_RETRY_DELAY_MS: '1', ...env }).azure;
const sp = (over: Partial<{ tenantId: string; clientId: string; clientSecret: string }> = {}) => {
  const v = { tenantId: AZURE_SIM.tenantId, clientId: AZURE_SIM.clientId, clientSecret: AZURE_SIM.clientSecret, ...over };
  return { tenantId: v.tenantId, clientId: v.clientId, clientSecret: secret(v.clientSecret) };
};
async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
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

describe('Entra ID token through ClientSecretCredential', () => {
  it('gets a token over TLS trusted only through AZURE_AUTHORITY_CA_PEM, for the ARM .default scope', async () => {
    const t = await armToken(cfg(), sp());
    expect(sim.control.issuedTokens()).toContain(t.reveal().token);
    expect(sim.control.requests).toEqual([`GET entra /${AZURE_SIM.tenantId}/v2.0/.well-known/openid-configuration`, `POST entra /${AZURE_SIM.tenantId}/oauth2/v2.0/token`]);
  });

  it('does not trust the simulator without its certificate (no silent TLS bypass)', async () => {
    const before = sim.control.issuedTokens().length;
    const e = await failure(armToken(cfg({ AZURE_AUTHORITY_CA_PEM: '' }), sp()));
    expect(e).toBeInstanceOf(ProviderUnavailableError);
    expect(e.message).toMatch(/could not be reached/);
    expect(sim.control.requests).toEqual([]);
    expect(sim.control.issuedTokens()).toHaveLength(before);
  });

  it.each([
    ['a wrong secret', { clientSecret: 'wrong' }, 'AADSTS7000215: the client secret is invalid'],
    ['an unknown tenant', { tenantId: AZURE_SIM.unknownTenantId }, 'AADSTS90002: the tenant was not found'],
    ['an unknown application', { clientId: '00000000-0000-4000-8000-000000000000' }, 'AADSTS700016: the application (client id) was not found in the tenant'],
  ])('%s is "Invalid Azure credentials" (401) with the AADSTS reason', async (_what, over, reason) => {
    const e = await failure(armToken(cfg(), sp(over)));
    expect(e).toBeInstanceOf(ProviderAuthError);
    expect(e.status).toBe(401);
    expect(e.message).toBe('Invalid Azure credentials');
    expect(e.extra).toEqual({ reason });
  });

  it('an outage of either Entra endpoint, throttling or a timeout is "unavailable" (503), after retrying', async () => {
    sim.control.fault = { target: 'token', status: 503 };
    expect((await failure(armToken(cfg(), sp()))).message).toMatch(/Azure AD is unavailable \(HTTP 503\)/);
    expect(sim.control.requests.filter((r) => r.includes('/token')).length).toBeGreaterThanOrEqual(2);
    sim.control.fault = { target: 'metadata', status: 500 };
    expect((await failure(armToken(cfg(), sp()))).status).toBe(503);
    sim.control.fault = { target: 'token', status: 429 };
    expect((await failure(armToken(cfg(), sp()))).message).toMatch(/HTTP 429/);
    sim.control.fault = { target: 'token', timeout: true };
    // our timeout's own message: the held request was given up by us, not dropped by the simulator
    expect((await failure(armToken(cfg(), sp()))).message).toMatch(/did not answer in time/);
  });

  it('recovers from one transient 503 by itself', async () => {
    sim.control.fault = { target: 'token', status: 503, remaining: 1 };
    await expect(armToken(cfg(), sp())).resolves.toBeTruthy();
  });

  it('a refused scope is our configuration, not the user: 502', async () => {
    const e = await failure(armToken(cfg({ AZURE_RESOURCE_MANAGER_AUDIENCE: 'https://graph.microsoft.com' }), sp()));
    expect(e).toBeInstanceOf(ProviderUnavailableError);
    expect(e.status).toBe(502);
    expect(e.message).toMatch(/AZURE_RESOURCE_MANAGER_AUDIENCE/);
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
