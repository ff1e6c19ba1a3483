import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { ProviderAuthError } from '../../errors.ts';
import { secret } from '../../secret-value.ts';
import type { ProxyHooks } from '../../proxy/types.ts';
import { grafanaBase } from './adapter.ts';
import { locationOfConnection, tokenOf } from './service.ts';

/** The credential proxy: the connection's Grafana (its recorded URL, Cloud stacks through GRAFANA_CLOUD_URL_TEMPLATE), the token as a bearer. */
export const proxy: ProxyHooks = {
  base: (d, conn) => grafanaBase(d.config.grafana, locationOfConnection(conn)),
  async credentials(d, conn) {
    const token = await tokenOf(d, conn);
    if (!token) throw new ProviderAuthError('The stored Grafana token is missing; connect Grafana again', { status: 401, code: 'credentials_missing' });
    return { Authorization: secret(`Bearer ${token.reveal()}`) };
  },
};
