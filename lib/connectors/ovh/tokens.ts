import type { Deps } from '../../deps.ts';
import { ProviderAuthError, UnauthorizedError } from '../../errors.ts';
import { listConnections } from '../../connections/repo.ts';
import { newestFirst, recordCheck } from '../../connections/status.ts';
import type { Connection } from '../../connections/types.ts';
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
 * A usable access token for a connection: the stored one while it is not near expiry (unless
 * `force`: a reconnect proves the refresh token still works), else a refreshed one (stored before
 * it is returned). A refresh that fails throws; the stale token is never returned. If a concurrent
 * refresh rotated the refresh token first (ours then reads as invalid_grant), the newer tokens it
 * stored are used instead.
 */
export async function freshAccessToken(d: Deps, conn: Connection, opts: { force?: boolean } = {}): Promise<SecretValue<string>> {
  const endpoint = conn.metadata.endpoint;
  if (!isEndpoint(endpoint)) throw new ProviderAuthError('The OVH connection has no region; reconnect', { status: 401 });
  const skewMs = d.config.ovh.refreshSkewSeconds * 1000;
  const current = await storedTokens(d, conn);
  if (!current) throw new ProviderAuthError('The stored OVH tokens are missing; reconnect', { status: 401 });
  if (!opts.force && current.expires_at - d.now() > skewMs) return secret(current.access_token);
  if (!current.refresh_token) throw new ProviderAuthError('The OVH access token expired and no refresh token is stored; reconnect', { status: 401 });
  const region = oauthRegion(d.config.ovh, d.config.core.backendUrl, endpoint);
  let next: OvhTokens;
  try {
    next = await refreshTokens(d.config.ovh, region, current.refresh_token, d.now());
  } catch (e) {
    const latest = e instanceof ProviderAuthError ? await storedTokens(d, conn) : null;
    if (latest && latest.refresh_token !== current.refresh_token && latest.expires_at - d.now() > skewMs) return secret(latest.access_token);
    throw e;
  }
  const doc: OvhTokens = { ...next, refresh_token: next.refresh_token ?? current.refresh_token };
  // Same path, so the record's reference stays valid; only the secret changes.
  await d.secrets.put(secretPath(conn.userId, 'ovh', conn.accountId), secret({ ...doc }));
  return secret(doc.access_token);
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
