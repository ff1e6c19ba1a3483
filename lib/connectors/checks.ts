import type { Deps } from '../deps.ts';
import type { Connection } from '../connections/types.ts';
import type { CheckResult } from './hooks.ts';
import type { ProviderId } from './registry.ts';

/** A live check of one connection's stored credentials that changes nothing itself. */
export type ProviderCheck = (d: Deps, conn: Connection) => Promise<CheckResult>;

/**
 * Each provider's live credential check, for scheduled re-validation (lib/connections/revalidate.ts
 * is the only importer). Kept out of lib/connectors/hooks.ts because the checks call the provider
 * SDKs (Azure: @azure/identity + msal) and Lambdas are bundled without code splitting, so every
 * import() below is inlined into whichever function imports this module.
 */
const loaders: Partial<Record<ProviderId, () => Promise<ProviderCheck>>> = {
  aws: async () => (await import('./aws/adapter.ts')).checkAwsConnection,
  azure: async () => (await import('./azure/adapter.ts')).checkAzureConnection,
  gcp: async () => (await import('./gcp/tokens.ts')).checkGcpConnection,
  scaleway: async () => (await import('./scaleway/service.ts')).checkScaleway,
  tailscale: async () => (await import('./tailscale/service.ts')).checkTailscale,
  ovh: async () => (await import('./ovh/service.ts')).checkOvh,
};

export async function providerCheck(provider: ProviderId): Promise<ProviderCheck | undefined> {
  const load = loaders[provider];
  return load ? load() : undefined;
}
