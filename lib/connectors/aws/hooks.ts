import type { ProviderHooks } from '../hooks.ts';

/**
 * Nothing to revoke at AWS: we hold no keys (every session is minted per use and expires on its
 * own) and the role is the customer's. The External ID stays: the customer's trust policies name it.
 * Scheduled re-validation uses the live AssumeRole check (lib/connectors/checks.ts).
 */
export const awsHooks: ProviderHooks = {};
