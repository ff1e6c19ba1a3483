import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../../deps.ts';
import type { Connection } from '../../connections/types.ts';

/**
 * Removing a cluster through the generic disconnect route: its agent token stops working and the
 * agent's socket is told and closed (lib/kubectl/service.ts), before the record goes.
 */
export async function revoke(d: Deps, conn: Connection): Promise<void> {
  const { revokeClusterAccess } = await import('../../kubectl/service.ts');
  await revokeClusterAccess(d, conn.userId, conn.accountId, 'The cluster was disconnected from Aurora and its agent token revoked');
}
