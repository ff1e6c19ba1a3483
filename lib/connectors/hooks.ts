import type { Deps } from '../deps.ts';
import type { Connection, ConnectionMetadata } from '../connections/types.ts';
import type { ProviderId } from './registry.ts';

/**
 * What generic connection code may ask of a provider when removing it: revoke what we created
 * at the provider (tokens, keys) and drop per-user extras (an SSH key pair, OAuth leases).
 * Each provider registers a loader here. A hook module must stay light: it is in the bundle of
 * every function that disconnects (see the note on the maps below).
 */
export interface ProviderHooks {
  revoke?(d: Deps, conn: Connection): Promise<void>;
  cleanupUser?(d: Deps, userId: string): Promise<void>;
}

/**
 * Outcome of a live check of stored credentials (scheduled re-validation through
 * lib/connectors/checks.ts, and the providers' status routes).
 * `auth`: the provider refused the credentials (reconnect needed). `fault`: 5xx, timeout, 429.
 */
export type CheckResult =
  | { ok: true; accountName?: string; metadata?: ConnectionMetadata }
  | { ok: false; kind: 'auth' | 'fault'; reason: string };

// One map per purpose, each read by one function below. Lambdas are bundled without code
// splitting, so esbuild inlines every import() a bundle can reach, but it drops a map that nothing
// reads: a disconnect carries only the hook modules (kept light). The OAuth start and callback
// loaders are in lib/connectors/oauth.ts; live checks (provider SDKs) in lib/connectors/checks.ts.

const disconnectHooks: Partial<Record<ProviderId, () => Promise<ProviderHooks>>> = {
  aws: async () => (await import('./aws/hooks.ts')).awsHooks,
  azure: async () => (await import('./azure/hooks.ts')).azureHooks,
  gcp: async () => (await import('./gcp/hooks.ts')).gcpHooks,
  scaleway: async () => (await import('./scaleway/hooks.ts')).scalewayHooks,
  tailscale: async () => (await import('./tailscale/hooks.ts')).tailscaleHooks,
  ovh: async () => (await import('./ovh/hooks.ts')).ovhHooks,
};

/** The provider's disconnect hooks (revoke, cleanupUser). */
export async function providerHooks(provider: ProviderId): Promise<ProviderHooks | undefined> {
  const load = disconnectHooks[provider];
  return load ? load() : undefined;
}
