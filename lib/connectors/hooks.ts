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

/** OAuth providers: the consent URL for a login by `userId` (GET /api/auth/{provider} answers 302 to it). */
export type OAuthStartHook = (d: Deps, userId: string, query: Record<string, string | undefined>) => Promise<string>;
/** OAuth providers: handle the redirect back (GET /api/auth/{provider}/callback); returns where to send the browser. */
export type OAuthCallbackHook = (d: Deps, query: Record<string, string | undefined>, principal: { userId: string } | null) => Promise<string>;

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
// reads: a disconnect carries only the hook modules (kept light), the OAuth start only the consent
// URL builders, and only the OAuth callback the code exchange and the Google client it needs.
// Live checks (provider SDKs) have their own registry: lib/connectors/checks.ts.

const disconnectHooks: Partial<Record<ProviderId, () => Promise<ProviderHooks>>> = {
  aws: async () => (await import('./aws/hooks.ts')).awsHooks,
  azure: async () => (await import('./azure/hooks.ts')).azureHooks,
  gcp: async () => (await import('./gcp/hooks.ts')).gcpHooks,
  scaleway: async () => (await import('./scaleway/hooks.ts')).scalewayHooks,
  tailscale: async () => (await import('./tailscale/hooks.ts')).tailscaleHooks,
  ovh: async () => (await import('./ovh/hooks.ts')).ovhHooks,
};

const oauthStartHooks: Partial<Record<ProviderId, () => Promise<OAuthStartHook>>> = {
  gcp: async () => (await import('./gcp/login.ts')).gcpLoginUrl,
  ovh: async () => (await import('./ovh/oauth-start.ts')).ovhOAuthStart,
};

const oauthCallbackHooks: Partial<Record<ProviderId, () => Promise<OAuthCallbackHook>>> = {
  gcp: async () => (await import('./gcp/oauth.ts')).handleGcpCallback,
};

/** The provider's disconnect hooks (revoke, cleanupUser). */
export async function providerHooks(provider: ProviderId): Promise<ProviderHooks | undefined> {
  const load = disconnectHooks[provider];
  return load ? load() : undefined;
}

export async function oauthStartHook(provider: ProviderId): Promise<OAuthStartHook | undefined> {
  const load = oauthStartHooks[provider];
  return load ? load() : undefined;
}

export async function oauthCallbackHook(provider: ProviderId): Promise<OAuthCallbackHook | undefined> {
  const load = oauthCallbackHooks[provider];
  return load ? load() : undefined;
}
