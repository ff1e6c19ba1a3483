import type { ProviderHooks } from '../hooks.ts';
import { checkOvh } from './service.ts';

/**
 * OVHcloud documents no OAuth2 token revocation endpoint, so a disconnect removes our copy of the
 * tokens; the access token lapses at its expiry. Scheduled re-validation refreshes through the check,
 * which also keeps the refresh token alive.
 */
export const ovhHooks: ProviderHooks = {
  check: (d, conn) => checkOvh(d, conn),
};
