import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../../deps.ts';
import { ProviderAuthError, UnauthorizedError } from '../../errors.ts';
import { listConnections } from '../../connections/repo.ts';
import { newestFirst, recordCheck } from '../../connections/status.ts';
import type { Connection } from '../../connections/types.ts';
import { freshAccessToken as refreshedAccessToken } from '../../oauth/refresh.ts';
import { secret, type SecretValue } from '../../secret-value.ts';
import { secretPath } from '../../secrets/port.ts';
import { oauthRegion, refreshTokens, type OvhTokens } from './adapter.ts';
import { OVH_ENDPOINTS, type OvhEndpoint } from './settings.ts';

const isEndpoint = (v: unknown): v is OvhEndpoint => (OVH_ENDPOINTS as readonly unknown[]).includes(v);

async function storedTokens(d: Deps, conn: Connection): Promise<OvhTokens | null> {
  const doc = conn.secretRef ? (await d.secrets.get(conn.secretRef))?.reveal() : undefined;
  return doc && typeof doc.access_token === 'string' ? (doc as unknown as OvhTokens) : null;
}

/**
 * A usable access token for a connection: the stored one while it is not near expiry, else a
 * refreshed one, the rotated tokens stored first (lib/oauth/refresh.ts, which also handles a
 * concurrent refresh that rotated the token first). `force` refreshes whatever the expiry: a
 * reconnect proves the refresh token still works.
 */
export async function freshAccessToken(d: Deps, conn: Connection, opts: { force?: boolean } = {}): Promise<SecretValue<string>> {
  const endpoint = conn.metadata.endpoint;
  if (!isEndpoint(endpoint)) throw new ProviderAuthError('The OVH connection has no region; reconnect', { status: 401 });
  return refreshedAccessToken<OvhTokens>({
    provider: 'OVH',
    load: () => storedTokens(d, conn),
    // Same path, so the record's reference stays valid; only the secret changes.
    save: async (doc) => void (await d.secrets.put(secretPath(conn.userId, 'ovh', conn.accountId), secret({ ...doc }))),
    refresh: (token) => refreshTokens(d.config.ovh, oauthRegion(d.config.ovh, d.config.core.backendUrl, endpoint), token, d.now()),
    skewMs: opts.force ? Number.POSITIVE_INFINITY : d.config.ovh.refreshSkewSeconds * 1000,
    nowMs: d.now(),
  });
}

export const refusedReason = (e: ProviderAuthError) => `${e.message}; reconnect OVH`;

/** cloud_tool: a usable OVH access token for the user's newest connected account; never a stale one. */
export async function ovhTokenForUser(d: Deps, userId: string): Promise<SecretValue<string>> {
  const conn = (await listConnections(d.db, userId, 'ovh')).filter((c) => c.status === 'connected').sort(newestFirst)[0];
  if (!conn) throw new UnauthorizedError('OVHcloud is not connected. Connect it first.', { code: 'not_connected', extra: { action: 'CONNECT_REQUIRED' } });
  try {
    return await freshAccessToken(d, conn);
  } catch (e) {
    if (e instanceof ProviderAuthError) await recordCheck(d, conn, { ok: false, kind: 'auth', reason: refusedReason(e) });
    throw e;
  }
}
