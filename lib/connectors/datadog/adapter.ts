import type { Config } from '../../config.ts';
import { ProviderAuthError, ProviderUnavailableError } from '../../errors.ts';
import { isProviderFault, providerFetch, type ProviderResponse } from '../../provider-http.ts';
import type { SecretValue } from '../../secret-value.ts';
import { datadog, type DatadogSite } from './definition.ts';

/** The API base of one Datadog site (DATADOG_API_URL_TEMPLATE). */
export const datadogBase = (cfg: Config['datadog'], site: string) => cfg.apiUrlTemplate.replace('{site}', site);

export interface DatadogKeys {
  apiKey: SecretValue<string>;
  appKey?: SecretValue<string>;
}

/** A webhook of the Webhooks integration, as its API takes and returns it. */
export interface DatadogWebhook {
  name: string;
  url: string;
  payload?: string | null;
  custom_headers?: string | null;
  encode_as?: 'json' | 'form';
}

export interface DatadogIdentity {
  orgId: string;
  orgName: string;
  handle: string;
}

/**
 * The Datadog calls we make, over providerFetch (timeouts; reads and idempotent writes retried on
 * 429/5xx). Every request carries DD-API-KEY and, where the call needs one, DD-APPLICATION-KEY;
 * neither ever appears in an error message. Datadog answers 403 for a key it does not know.
 */
export function datadogApi(cfg: Config['datadog'], site: DatadogSite, keys: DatadogKeys) {
  const base = datadogBase(cfg, site);
  async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<ProviderResponse> {
    const headers: Record<string, string> = { 'DD-API-KEY': keys.apiKey.reveal(), accept: 'application/json' };
    if (keys.appKey) headers['DD-APPLICATION-KEY'] = keys.appKey.reveal();
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await providerFetch('Datadog', base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }, { timeoutMs: cfg.timeoutMs, attempts: cfg.attempts, idempotent: method !== 'POST' });
    if (isProviderFault(r.status)) throw new ProviderUnavailableError(`Datadog (${site}) is unavailable (HTTP ${r.status})`);
    return r;
  }
  const unexpected = (r: ProviderResponse, what: string) => new ProviderUnavailableError(`Datadog (${site}) answered HTTP ${r.status} to ${what}`, { status: 502 });

  return {
    /** GET /api/v1/validate: the API key, alone. */
    async validate(): Promise<void> {
      const r = await call('GET', datadog.paths.validate);
      if (r.status === 401 || r.status === 403 || (r.status === 200 && r.json<{ valid?: boolean }>().valid !== true)) {
        throw new ProviderAuthError(datadog.messages.apiKeyRejected(site), { status: 401, code: 'invalid_api_key', field: 'api_key' });
      }
      if (r.status !== 200) throw unexpected(r, 'the key validation');
    },

    /** GET /api/v2/current_user: the application key, and the organisation both keys belong to. */
    async identity(): Promise<DatadogIdentity> {
      const r = await call('GET', datadog.paths.currentUser);
      if (r.status === 401 || r.status === 403) throw new ProviderAuthError(datadog.messages.appKeyRejected(site), { status: 401, code: 'invalid_app_key', field: 'app_key' });
      if (r.status !== 200) throw unexpected(r, 'the current-user lookup');
      const doc = r.json<{ data?: { attributes?: { handle?: string; email?: string; name?: string }; relationships?: { org?: { data?: { id?: string } } } }; included?: Array<{ type?: string; id?: string; attributes?: { name?: string } }> }>();
      const orgId = doc.data?.relationships?.org?.data?.id;
      if (typeof orgId !== 'string' || orgId === '') throw new ProviderUnavailableError(`Datadog (${site}) named no organisation for these keys`, { status: 502 });
      const org = doc.included?.find((i) => i.type === 'orgs' && i.id === orgId);
      return { orgId, orgName: org?.attributes?.name ?? orgId, handle: doc.data?.attributes?.handle ?? doc.data?.attributes?.email ?? '' };
    },

    /** The webhook of that name, or null. */
    async getWebhook(name: string): Promise<DatadogWebhook | null> {
      const r = await call('GET', datadog.paths.webhook(name));
      if (r.status === 404) return null;
      if (r.status === 403) throw new ProviderAuthError(datadog.messages.webhookForbidden, { status: 403, code: 'webhook_forbidden' });
      if (r.status !== 200) throw unexpected(r, 'the webhook lookup');
      return r.json<DatadogWebhook>();
    },

    /** Create the webhook, or replace what one of that name holds. */
    async putWebhook(hook: DatadogWebhook): Promise<DatadogWebhook> {
      const exists = (await this.getWebhook(hook.name)) !== null;
      const r = exists ? await call('PUT', datadog.paths.webhook(hook.name), hook) : await call('POST', datadog.paths.webhooks, hook);
      if (r.status === 403) throw new ProviderAuthError(datadog.messages.webhookForbidden, { status: 403, code: 'webhook_forbidden' });
      if (r.status !== 200) throw unexpected(r, exists ? 'the webhook update' : 'the webhook creation');
      return r.json<DatadogWebhook>();
    },

    /** Remove it (already gone is fine). */
    async deleteWebhook(name: string): Promise<void> {
      const r = await call('DELETE', datadog.paths.webhook(name));
      if (r.status === 200 || r.status === 204 || r.status === 404) return;
      if (r.status === 403) throw new ProviderAuthError(datadog.messages.webhookForbidden, { status: 403, code: 'webhook_forbidden' });
      throw unexpected(r, 'the webhook deletion');
    },
  };
}
