import type { ProviderHooks } from '../hooks.ts';

/**
 * Nothing to revoke at Azure: the service principal and its secret are the customer's, and ARM
 * tokens expire on their own; disconnect removes our copy of the secret. Scheduled re-validation
 * uses the live check (lib/connectors/checks.ts).
 */
export const azureHooks: ProviderHooks = {};
