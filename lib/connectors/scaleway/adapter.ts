import type { Config } from '../../config.ts';
import { ProviderAuthError, ProviderUnavailableError } from '../../errors.ts';
import { isProviderFault, providerFetch } from '../../provider-http.ts';
import type { SecretValue } from '../../secret-value.ts';
import { scaleway } from './definition.ts';

/** IAM v1alpha1 APIKey, the fields we read (the secret half is never returned by a GET). */
export interface ScalewayApiKey {
  access_key: string;
  user_id?: string | null;
  application_id?: string | null;
  default_project_id?: string | null;
}

/** Account v3 Project. */
export interface ScalewayProject {
  id: string;
  name: string;
  organization_id: string;
}

/**
 * The Scaleway calls we make, over providerFetch (timeouts, retries on 429/5xx). Every request
 * authenticates with `X-Auth-Token: <secret key>`; the key never appears in an error message.
 * 401 and 403 are answers about the key, not faults, so they become ProviderAuthError.
 */
export function scalewayApi(cfg: Config['scaleway'], secretKey: SecretValue<string>) {
  async function get<T>(path: string, notFound: 'null' | 'auth'): Promise<T | null> {
    const r = await providerFetch(
      'Scaleway',
      cfg.apiUrl + path,
      { headers: { 'x-auth-token': secretKey.reveal(), accept: 'application/json' } },
      { timeoutMs: cfg.timeoutMs, attempts: cfg.attempts },
    );
    // the secret key is the X-Auth-Token, so a 401 is about it; a 404 on the key lookup, about the access key
    if (r.status === 401) throw new ProviderAuthError(scaleway.messages.invalidCredentials, { status: 401, code: 'invalid_credentials', field: 'secret_key' });
    if (r.status === 403) throw new ProviderAuthError(scaleway.messages.accessDenied, { status: 403, code: 'access_denied' });
    if (r.status === 404) {
      if (notFound === 'null') return null;
      throw new ProviderAuthError(scaleway.messages.invalidCredentials, { status: 401, code: 'invalid_credentials', field: 'access_key' });
    }
    if (isProviderFault(r.status)) throw new ProviderUnavailableError(`Scaleway is unavailable (HTTP ${r.status} after ${cfg.attempts} attempts)`);
    if (r.status < 200 || r.status >= 300) throw new ProviderUnavailableError(`Scaleway answered HTTP ${r.status}`, { status: 502 });
    return r.json<T>();
  }

  return {
    /** The key itself; an unknown access key reads as invalid credentials. */
    async apiKey(accessKey: string): Promise<ScalewayApiKey> {
      return (await get<ScalewayApiKey>(scaleway.paths.apiKey(accessKey), 'auth'))!;
    },

    /** The organisation that owns the key, through its bearer (an IAM user or application). */
    async ownerOrganization(key: ScalewayApiKey): Promise<string | null> {
      const path = key.user_id ? scaleway.paths.user(key.user_id) : key.application_id ? scaleway.paths.application(key.application_id) : null;
      if (!path) return null;
      const owner = await get<{ organization_id?: string }>(path, 'null');
      return owner?.organization_id ?? null;
    },

    /** Every project of the organisation, following pagination. */
    async projects(organizationId: string): Promise<ScalewayProject[]> {
      const out: ScalewayProject[] = [];
      for (let page = 1; page <= scaleway.maxProjectPages; page++) {
        const r = await get<{ total_count?: number; projects?: ScalewayProject[] }>(scaleway.paths.projects(organizationId, page, scaleway.projectsPageSize), 'null');
        const batch = r?.projects ?? [];
        out.push(...batch.filter((p) => typeof p?.id === 'string'));
        if (batch.length < scaleway.projectsPageSize || (r?.total_count !== undefined && out.length >= r.total_count)) return out;
      }
      throw new ProviderUnavailableError(`Scaleway listed more than ${scaleway.maxProjectPages * scaleway.projectsPageSize} projects; refusing to page further`, { status: 502 });
    },
  };
}
