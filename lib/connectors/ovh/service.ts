import type { Deps } from '../../deps.ts';
import { recordLiveCheck } from '../live-check.ts';
import { AppError, ProviderAuthError, UnauthorizedError } from '../../errors.ts';
import { disconnectWithHooks } from '../../connections/service.ts';
import { listConnections } from '../../connections/repo.ts';
import type { Connection } from '../../connections/types.ts';
import { secretPath } from '../../secrets/port.ts';
import { OVH_ENDPOINTS, type OvhEndpoint } from './settings.ts';
import { secret, SecretValue } from '../../secret-value.ts';
import type { CheckResult } from '../hooks.ts';
import { getMe, oauthRegion, refreshTokens, type OvhTokens } from './adapter.ts';
import { ovhHooks } from './hooks.ts';
import { freshAccessToken as refreshedAccessToken } from '../../oauth/refresh.ts';

const isEndpoint = (v: unknown): v is OvhEndpoint => (OVH_ENDPOINTS as readonly unknown[]).includes(v);

async function storedTokens(d: Deps, conn: Connection): Promise<OvhTokens | null> {
  const doc = conn.secretRef ? (await d.secrets.get(conn.secretRef))?.reveal() : undefined;
  return doc && typeof doc.access_token === 'string' ? (doc as unknown as OvhTokens) : null;
}

/**
 * A usable access token for a connection: the stored one while it is not near expiry, else a
 * refreshed one, the rotated tokens stored first (lib/oauth/refresh.ts, which also handles a
 * concurrent refresh that rotated the token first).
 */
async function freshAccessToken(d: Deps, conn: Connection): Promise<SecretValue<string>> {
  const endpoint = conn.metadata.endpoint;
  if (!isEndpoint(endpoint)) throw new ProviderAuthError('The OVH connection has no region; reconnect', { status: 401 });
  return refreshedAccessToken<OvhTokens>({
    provider: 'OVH',
    load: () => storedTokens(d, conn),
    // Same path, so the record's reference stays valid; only the secret changes.
    save: async (doc) => void (await d.secrets.put(secretPath(conn.userId, 'ovh', conn.accountId), secret({ ...doc }))),
    refresh: (token) => refreshTokens(d.config.ovh, oauthRegion(d.config.ovh, d.config.core.backendUrl, endpoint), token, d.now()),
    skewMs: d.config.ovh.refreshSkewSeconds * 1000,
    nowMs: d.now(),
  });
}

/** Live check: refresh ahead of expiry, then GET /me. Refusals are `auth`; 5xx/timeouts `fault`. */
export async function checkOvh(d: Deps, conn: Connection): Promise<CheckResult> {
  try {
    const token = await freshAccessToken(d, conn);
    await getMe(d.config.ovh, d.config.ovh.regions[conn.metadata.endpoint as OvhEndpoint], token);
    return { ok: true };
  } catch (e) {
    if (e instanceof ProviderAuthError) return { ok: false, kind: 'auth', reason: `${e.message}; reconnect OVH` };
    if (e instanceof AppError) return { ok: false, kind: 'fault', reason: e.message };
    throw e;
  }
}

/** A user asking for status sees the truth at once (see recordLiveCheck); nothing to write when all is well. */
async function recordCheck(d: Deps, conn: Connection, result: CheckResult): Promise<void> {
  if (result.ok && conn.status === 'connected') return;
  await recordLiveCheck(d, conn, result);
}

const inUse = (c: Connection) => c.status === 'connected' || c.status === 'error';
const newestFirst = (a: Connection, b: Connection) => b.updatedAt.localeCompare(a.updatedAt);

/** GET status: every OVH connection in use is checked (refreshing ahead of expiry) and the outcome recorded. */
export async function ovhStatus(d: Deps, userId: string) {
  const conns = (await listConnections(d.db, userId, 'ovh')).filter(inUse).sort(newestFirst);
  if (conns.length === 0) return { connected: false, endpoint: null };
  const results: Array<{ conn: Connection; result: CheckResult }> = [];
  for (const conn of conns) {
    const result = await checkOvh(d, conn);
    await recordCheck(d, conn, result);
    results.push({ conn, result });
  }
  const ok = results.find((r) => r.result.ok);
  if (ok) return { connected: true, endpoint: String(ok.conn.metadata.endpoint) };
  const first = results[0];
  return { connected: false, endpoint: String(first.conn.metadata.endpoint), status: 'error' as const, reason: first.result.ok ? undefined : first.result.reason };
}

/** cloud_tool: a usable OVH access token for the user's newest connected account; never a stale one. */
export async function ovhTokenForUser(d: Deps, userId: string): Promise<SecretValue<string>> {
  const conn = (await listConnections(d.db, userId, 'ovh')).filter((c) => c.status === 'connected').sort(newestFirst)[0];
  if (!conn) throw new UnauthorizedError('OVHcloud is not connected. Connect it first.', { code: 'not_connected', extra: { action: 'CONNECT_REQUIRED' } });
  try {
    return await freshAccessToken(d, conn);
  } catch (e) {
    if (e instanceof ProviderAuthError) await recordCheck(d, conn, { ok: false, kind: 'auth', reason: `${e.message}; reconnect OVH` });
    throw e;
  }
}

export async function disconnectOvh(d: Deps, userId: string) {
  await disconnectWithHooks(d, userId, 'ovh', ovhHooks);
  return { status: 'disconnected' as const };
}
