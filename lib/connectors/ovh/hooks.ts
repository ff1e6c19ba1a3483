import type { ProviderHooks } from '../hooks.ts';

/**
 * OVHcloud documents no OAuth2 token revocation endpoint, so a disconnect removes our copy of the
 * tokens; the access token lapses at its expiry. Scheduled re-validation refreshes through the check
 * (lib/connectors/checks.ts), which also keeps the refresh token alive.
 */
export const ovhHooks: ProviderHooks = {};
