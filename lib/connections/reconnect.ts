import type { Deps } from '../deps.ts';
import { ConflictError, NotFoundError, ProviderUnavailableError } from '../errors.ts';
import type { ConnectorCheck } from '../connectors/kit/behaviour.ts';
import type { ConnectorDef } from '../connectors/kit/define.ts';
import { listConnections, updateConnectionStatus, writeAudit } from './repo.ts';
import { toView, type ConnectionView } from './service.ts';
import { sameAccount } from './status.ts';
import type { Connection } from './types.ts';

/**
 * POST /api/connectors/{id}/reconnect: bring back a connection with the credentials it kept (after
 * DELETE /api/user_connections marked it not_connected, or after an error), without asking for
 * them again. Its live check runs as a reconnect (OAuth connectors refresh their stored token):
 * a good check makes it `connected`, a refusal `error` with the reason. A provider fault changes
 * nothing and answers 503 (try again); a connection whose setup still runs is a 409.
 */
export async function reconnectConnection(d: Deps, def: ConnectorDef, check: ConnectorCheck, userId: string, accountId: string): Promise<ConnectionView> {
  const conn = (await listConnections(d.db, userId, def.id as Connection['provider'])).find((c) => sameAccount(def, c.accountId, accountId));
  if (!conn) throw new NotFoundError(`You have no ${def.name} connection with this account_id`, { code: 'connection_not_found', field: 'account_id' });
  if (conn.status === 'pending') throw new ConflictError(`The ${def.name} connection is still being set up; wait for it to finish`, { code: 'connection_pending' });
  const result = await check(d, conn, { purpose: 'reconnect' });
  if (!result.ok && result.kind === 'fault') throw new ProviderUnavailableError(`${def.name} did not answer (${result.reason}); the connection is unchanged, try again shortly`);
  const checkedAt = new Date(d.now()).toISOString();
  const updated = await updateConnectionStatus(
    d.db,
    conn,
    result.ok
      ? { status: 'connected', checkedAt, failureCount: 0, expectedVersion: conn.version, ...(result.accountName ? { accountName: result.accountName } : {}), ...(result.metadata ? { metadata: { ...conn.metadata, ...result.metadata } } : {}) }
      : { status: 'error', reason: result.reason, checkedAt, failureCount: (conn.failureCount ?? 0) + 1, expectedVersion: conn.version },
  );
  if (!updated) throw new ConflictError('The connection was changed meanwhile; try again', { code: 'concurrent_update' });
  await writeAudit(d.db, { userId, action: 'reconnect', provider: conn.provider, accountId: conn.accountId, detail: result.ok ? { from: conn.status } : { from: conn.status, kind: result.kind, reason: result.reason } });
  return toView(updated);
}
