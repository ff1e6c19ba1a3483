import type { ProviderHooks } from '../hooks.ts';

/**
 * Scaleway API keys are the user's own (we create nothing at Scaleway), so there is nothing to
 * revoke there; disconnect only removes our copy. Scheduled re-validation uses the live check
 * (lib/connectors/checks.ts).
 */
export const scalewayHooks: ProviderHooks = {};
