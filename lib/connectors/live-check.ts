import type { Deps } from '../deps.ts';
import { updateConnectionStatus, writeAudit } from '../connections/repo.ts';
import type { Connection } from '../connections/types.ts';
import { log } from '../log.ts';
import type { CheckResult } from './hooks.ts';

/**
 * Record the outcome of a live status check made on a user's request (GET /<provider>/status).
 * Unlike scheduled re-validation, a user asking sees the truth at once: a refusal or a provider
 * fault marks the connection `error` with the reason, a good check brings it back to `connected`.
 * Credentials are never touched here (a 401 or an outage must not cost the user their connection).
 * The write is conditional on the version read, so a check racing a reconnect does not undo it.
 * Returns the connection as it now stands.
 */
export async function recordLiveCheck(d: Deps, conn: Connection, result: CheckResult): Promise<Connection> {
  const checkedAt = new Date(d.now()).toISOString();
  const key = { userId: conn.userId, provider: conn.provider, accountId: conn.accountId };
  if (!result.ok) log.warn('live check failed', { provider: conn.provider, accountId: conn.accountId, kind: result.kind, reason: result.reason });
  const updated = await updateConnectionStatus(
    d.db,
    key,
    result.ok
      ? { status: 'connected', checkedAt, failureCount: 0, expectedVersion: conn.version, ...(result.accountName ? { accountName: result.accountName } : {}), ...(result.metadata ? { metadata: { ...conn.metadata, ...result.metadata } } : {}) }
      : { status: 'error', reason: result.reason, checkedAt, failureCount: (conn.failureCount ?? 0) + 1, expectedVersion: conn.version },
  );
  if (!updated) return conn;
  if (updated.status !== conn.status) {
    await writeAudit(d.db, { userId: conn.userId, action: result.ok ? 'status_recovered' : 'status_error', provider: conn.provider, accountId: conn.accountId, detail: result.ok ? { from: conn.status } : { kind: result.kind, reason: result.reason } });
  }
  return updated;
}
