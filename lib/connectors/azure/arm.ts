import type { Config } from '../../config.ts';
import { ProviderAuthError, ProviderUnavailableError } from '../../errors.ts';
import { providerFetch, type ProviderResponse } from '../../provider-http.ts';
import type { SecretValue } from '../../secret-value.ts';
import { azure } from './definition.ts';
import type { ArmToken } from './entra.ts';

/** The Azure Resource Manager calls we make: list the subscriptions a service principal sees, read one. */
export interface Subscription {
  subscriptionId: string;
  displayName: string;
  state: string;
  tenantId?: string;
}

const SERVICE = 'Azure Resource Manager';

async function armGet(cfg: Config['azure'], token: SecretValue<ArmToken>, url: string): Promise<ProviderResponse> {
  return providerFetch(SERVICE, url, { headers: { authorization: `Bearer ${token.reveal().token}`, accept: 'application/json' } }, { timeoutMs: cfg.timeoutMs, attempts: cfg.maxRetries + 1 });
}

function armCode(r: ProviderResponse): string {
  try {
    const code = (JSON.parse(r.text) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : `HTTP ${r.status}`;
  } catch {
    return `HTTP ${r.status}`;
  }
}

function failure(r: ProviderResponse): Error {
  if (r.status === 401) return new ProviderAuthError(azure.messages.invalidCredentials, { code: 'invalid_azure_credentials', extra: { reason: `Azure Resource Manager refused the token (${armCode(r)})` } });
  if (r.status === 429 || r.status >= 500) return new ProviderUnavailableError(`${SERVICE} is unavailable (HTTP ${r.status}); try again`);
  return new ProviderUnavailableError(`${SERVICE} answered HTTP ${r.status} (${armCode(r)})`, { status: 502 });
}

function toSubscription(v: Record<string, unknown>): Subscription | null {
  if (typeof v.subscriptionId !== 'string') return null;
  return {
    subscriptionId: v.subscriptionId,
    displayName: typeof v.displayName === 'string' ? v.displayName : v.subscriptionId,
    state: typeof v.state === 'string' ? v.state : 'Unknown',
    tenantId: typeof v.tenantId === 'string' ? v.tenantId : undefined,
  };
}

/**
 * Every subscription the principal can see, following nextLink. A nextLink is only followed on the
 * configured ARM origin: the bearer token goes nowhere else.
 */
export async function listSubscriptions(cfg: Config['azure'], token: SecretValue<ArmToken>): Promise<Subscription[]> {
  const origin = new URL(cfg.armEndpoint).origin;
  const out: Subscription[] = [];
  let url: string | undefined = `${cfg.armEndpoint}/subscriptions?api-version=${encodeURIComponent(cfg.armApiVersion)}`;
  for (let page = 0; url; page++) {
    if (page >= azure.maxSubscriptionPages) throw new ProviderUnavailableError(`${SERVICE} returned more than ${azure.maxSubscriptionPages} pages of subscriptions`, { status: 502 });
    const r = await armGet(cfg, token, url);
    if (r.status !== 200) throw failure(r);
    const body = r.json<{ value?: Array<Record<string, unknown>>; nextLink?: string | null }>();
    for (const v of body.value ?? []) {
      const s = toSubscription(v);
      if (s) out.push(s);
    }
    url = body.nextLink ?? undefined;
    if (url && new URL(url).origin !== origin) throw new ProviderUnavailableError(`${SERVICE} returned a nextLink outside ${origin}`, { status: 502 });
  }
  return out;
}

/** One subscription, or why it cannot be read (gone, or no longer visible to the principal). */
export async function getSubscription(cfg: Config['azure'], token: SecretValue<ArmToken>, subscriptionId: string): Promise<Subscription | { missing: string }> {
  const r = await armGet(cfg, token, `${cfg.armEndpoint}/subscriptions/${encodeURIComponent(subscriptionId)}?api-version=${encodeURIComponent(cfg.armApiVersion)}`);
  if (r.status === 404 || r.status === 403) return { missing: armCode(r) };
  if (r.status !== 200) throw failure(r);
  const s = toSubscription(r.json<Record<string, unknown>>());
  if (!s) throw new ProviderUnavailableError(`${SERVICE} answered without a subscription id`, { status: 502 });
  return s;
}
