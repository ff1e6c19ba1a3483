import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { ProviderAuthError } from '../../errors.ts';
import { secret } from '../../secret-value.ts';
import type { ProxyHooks } from '../../proxy/types.ts';
import { tokenOf } from './service.ts';

/** The credential proxy: Netdata Cloud's API (NETDATA_API_URL), the token as a bearer. */
export const proxy: ProxyHooks = {
  base: (d) => d.config.netdata.apiUrl,
  async credentials(d, conn) {
    const token = await tokenOf(d, conn);
    if (!token) throw new ProviderAuthError('The stored Netdata token is missing; connect Netdata again', { status: 401, code: 'credentials_missing' });
    return { Authorization: secret(`Bearer ${token.reveal()}`) };
  },
};
