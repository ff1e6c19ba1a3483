import type { Deps } from '../deps.ts';
import type { Connection, ConnectionMetadata } from '../connections/types.ts';
import type { ProviderId } from './registry.ts';

/**
 * What generic connection code may ask of a provider when removing it: revoke what we created
 * at the provider (tokens, keys) and drop per-user extras (an SSH key pair, OAuth leases).
 * Each provider registers a loader here; modules load lazily so a function pays only for its own.
 */
export interface ProviderHooks {
  revoke?(d: Deps, conn: Connection): Promise<void>;
  cleanupUser?(d: Deps, userId: string): Promise<void>;
  /**
   * A live check of the stored credentials that changes nothing itself (scheduled re-validation
   * decides what to record). OAuth providers refresh here, which also keeps refresh tokens alive.
   */
  check?(d: Deps, conn: Connection): Promise<CheckResult>;
}

/** `auth`: the provider refused the credentials (reconnect needed). `fault`: 5xx, timeout, 429. */
export type CheckResult =
  | { ok: true; accountName?: string; metadata?: ConnectionMetadata }
  | { ok: false; kind: 'auth' | 'fault'; reason: string };

const loaders: Partial<Record<ProviderId, () => Promise<ProviderHooks>>> = {};

export async function providerHooks(provider: ProviderId): Promise<ProviderHooks | undefined> {
  const load = loaders[provider];
  return load ? load() : undefined;
}
