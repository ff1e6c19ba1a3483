import type { Config } from '../../config.ts';
import { ProviderAuthError, ProviderUnavailableError } from '../../errors.ts';
import { isProviderFault, providerFetch, type ProviderResponse } from '../../provider-http.ts';
import type { SecretValue } from '../../secret-value.ts';
import { pagerduty, subdomainOf } from './definition.ts';

type PagerDutyCfg = Config['pagerduty'];

export interface PagerDutyCredential {
  kind: 'api_token' | 'oauth';
  token: SecretValue<string>;
}

export interface PagerDutyAccount {
  /** the account's subdomain (acme for acme.pagerduty.com): the connection's account id */
  subdomain: string;
  /** the user behind the credential, when it has one (OAuth, user-level keys) */
  userEmail: string | null;
}

/** A webhook subscription as the API returns it; `delivery_method.secret` only in the answer to its creation. */
export interface WebhookSubscription {
  id: string;
  description?: string;
  events?: string[];
  delivery_method?: { url?: string; secret?: string | null };
}

/**
 * The PagerDuty REST API v2 calls we make, over providerFetch (timeouts; reads and idempotent
 * writes retried on 429/5xx). The credential never appears in a message. PagerDuty answers 401 for
 * a key or token it does not know and 403 for one that may not do what was asked.
 */
export function pagerdutyApi(cfg: PagerDutyCfg, cred: PagerDutyCredential) {
  async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<ProviderResponse> {
    const headers: Record<string, string> = { authorization: pagerduty.authorization(cred.kind, cred.token.reveal()), accept: pagerduty.accept };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await providerFetch('PagerDuty', cfg.apiUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }, { timeoutMs: cfg.timeoutMs, attempts: cfg.attempts, idempotent: method !== 'POST' });
    if (isProviderFault(r.status)) throw new ProviderUnavailableError(`PagerDuty is unavailable (HTTP ${r.status})`);
    return r;
  }
  const unexpected = (r: ProviderResponse, what: string) => new ProviderUnavailableError(`PagerDuty answered HTTP ${r.status} to ${what}`, { status: 502 });
  const refused = () =>
    cred.kind === 'api_token'
      ? new ProviderAuthError(pagerduty.messages.tokenRejected, { status: 401, code: 'invalid_token', field: 'api_token' })
      : new ProviderAuthError(pagerduty.messages.oauthRejected, { status: 401, code: 'invalid_token' });
  const forbidden = () => new ProviderAuthError(pagerduty.messages.webhookForbidden, { status: 403, code: 'webhook_forbidden' });

  return {
    /** Which account the credential reaches (its subdomain), and its user when it has one. */
    async account(): Promise<PagerDutyAccount> {
      if (cred.kind === 'oauth') {
        const r = await call('GET', pagerduty.paths.me);
        if (r.status === 401 || r.status === 403) throw refused();
        if (r.status !== 200) throw unexpected(r, 'the current-user lookup');
        const user = r.json<{ user?: { email?: string; html_url?: string } }>().user;
        const subdomain = subdomainOf(user?.html_url);
        if (!subdomain) throw new ProviderUnavailableError('PagerDuty named no account for this authorization', { status: 502 });
        return { subdomain, userEmail: user?.email ?? null };
      }
      const r = await call('GET', pagerduty.paths.users);
      if (r.status === 401 || r.status === 403) throw refused();
      if (r.status !== 200) throw unexpected(r, 'the user list');
      const users = r.json<{ users?: Array<{ html_url?: string }> }>().users ?? [];
      const subdomain = subdomainOf(users[0]?.html_url);
      if (!subdomain) throw new ProviderUnavailableError('PagerDuty named no account for this API token', { status: 502 });
      return { subdomain, userEmail: null };
    },

    /** The subscription, or null when it is gone. */
    async getSubscription(id: string): Promise<WebhookSubscription | null> {
      const r = await call('GET', pagerduty.paths.webhookSubscription(id));
      if (r.status === 404) return null;
      if (r.status === 401) throw refused();
      if (r.status === 403) throw forbidden();
      if (r.status !== 200) throw unexpected(r, 'the webhook subscription lookup');
      return r.json<{ webhook_subscription: WebhookSubscription }>().webhook_subscription;
    },

    /** POST /webhook_subscriptions: a v3 webhook for the whole account; the answer holds its signing secret, once. */
    async createSubscription(url: string, description: string): Promise<WebhookSubscription> {
      const r = await call('POST', pagerduty.paths.webhookSubscriptions, {
        webhook_subscription: {
          type: 'webhook_subscription',
          delivery_method: { type: 'http_delivery_method', url, custom_headers: [] },
          description,
          events: pagerduty.events,
          filter: { type: 'account_reference' },
        },
      });
      if (r.status === 401) throw refused();
      if (r.status === 403) throw forbidden();
      if (r.status !== 201 && r.status !== 200) throw unexpected(r, 'the webhook subscription creation');
      return r.json<{ webhook_subscription: WebhookSubscription }>().webhook_subscription;
    },

    /** Remove it (already gone is fine). */
    async deleteSubscription(id: string): Promise<void> {
      const r = await call('DELETE', pagerduty.paths.webhookSubscription(id));
      if (r.status === 204 || r.status === 200 || r.status === 404) return;
      if (r.status === 401) throw refused();
      if (r.status === 403) throw forbidden();
      throw unexpected(r, 'the webhook subscription deletion');
    },
  };
}
