import type { Config } from '../../config.ts';
import { ProviderAuthError, ProviderUnavailableError } from '../../errors.ts';
import { isProviderFault, providerFetch } from '../../provider-http.ts';
import type { SecretValue } from '../../secret-value.ts';
import { netdata, type NetdataSpace } from './definition.ts';

/**
 * The Netdata Cloud calls we make, over providerFetch (timeouts, reads retried on 429/5xx), with
 * the token as a bearer; it never appears in an error message. Netdata Cloud answers 401 to a token
 * it does not know and 403 to one whose scope does not cover the call.
 */
export function netdataApi(cfg: Config['netdata'], token: SecretValue<string>) {
  return {
    /** GET /api/v2/spaces: the spaces the token's user is a member of. */
    async spaces(): Promise<NetdataSpace[]> {
      const r = await providerFetch('Netdata Cloud', cfg.apiUrl + netdata.paths.spaces, { headers: { authorization: `Bearer ${token.reveal()}`, accept: 'application/json' } }, { timeoutMs: cfg.timeoutMs, attempts: cfg.attempts });
      if (isProviderFault(r.status)) throw new ProviderUnavailableError(`Netdata Cloud is unavailable (HTTP ${r.status})`);
      if (r.status === 401) throw new ProviderAuthError(netdata.messages.tokenRejected, { status: 401, code: 'invalid_token', field: 'api_token' });
      if (r.status === 403) throw new ProviderAuthError(netdata.messages.scopeTooNarrow, { status: 403, code: 'token_scope', field: 'api_token' });
      if (r.status !== 200) throw new ProviderUnavailableError(`Netdata Cloud answered HTTP ${r.status} to the space list`, { status: 502 });
      const doc = r.json<unknown>();
      if (!Array.isArray(doc)) throw new ProviderUnavailableError('Netdata Cloud returned an unreadable space list', { status: 502 });
      return doc
        .filter((s): s is Record<string, unknown> => !!s && typeof s === 'object' && typeof (s as { id?: unknown }).id === 'string')
        .map((s) => ({ id: s.id as string, slug: typeof s.slug === 'string' ? s.slug : '', name: typeof s.name === 'string' ? s.name : (s.id as string) }));
    },
  };
}
