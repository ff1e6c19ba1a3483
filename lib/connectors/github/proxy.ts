import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { secret } from '../../secret-value.ts';
import type { ProxyHooks } from '../../proxy/types.ts';
import { requireToken } from './service.ts';

/**
 * The credential proxy: the REST API of GITHUB_API_URL (api.github.com, or <host>/api/v3 on GitHub
 * Enterprise Server), the OAuth token as a bearer. GitHub refuses a request without a User-Agent,
 * and the API version pins the answer's shape, so both ride along with the token.
 */
export const proxy: ProxyHooks = {
  base: (d) => d.config.github.apiUrl,
  async credentials(d, conn) {
    const token = await requireToken(d, conn);
    return { Authorization: secret(`Bearer ${token.reveal()}`), 'User-Agent': secret('aurora-connectors'), 'X-GitHub-Api-Version': secret('2022-11-28') };
  },
};
