import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { ProviderAuthError } from '../../errors.ts';
import type { ProxyHooks } from '../../proxy/types.ts';
import { datadogBase } from './adapter.ts';
import { keysOf, siteOfConnection } from './service.ts';

/** The credential proxy: the API of the connection's site (DATADOG_API_URL_TEMPLATE), both keys as Datadog's headers. */
export const proxy: ProxyHooks = {
  base: (d, conn) => datadogBase(d.config.datadog, siteOfConnection(conn)),
  async credentials(d, conn) {
    const keys = await keysOf(d, conn);
    if (!keys) throw new ProviderAuthError('The stored Datadog keys are missing; connect Datadog again', { status: 401, code: 'credentials_missing' });
    return { 'DD-API-KEY': keys.apiKey, 'DD-APPLICATION-KEY': keys.appKey };
  },
};
