import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { ConnectorCheck } from '../kit/behaviour.ts';

/**
 * A cluster is as live as its agent: connected while the agent's socket is attached and
 * heartbeating (lib/kubectl/service.ts clusterStatus); stale or away is a fault, not a refusal (the
 * token still works when the agent comes back).
 */
export const check: ConnectorCheck = async (d, conn) => {
  const { getCluster, clusterStatus } = await import('../../kubectl/service.ts');
  const c = await getCluster(d.db, conn.userId, conn.accountId);
  if (!c) return { ok: false, kind: 'auth', reason: 'The cluster was removed: create a new agent token' };
  const status = clusterStatus(c, d.now(), d.config.kubectl.heartbeatSeconds);
  if (status === 'connected') return { ok: true, accountName: c.clusterName };
  return { ok: false, kind: 'fault', reason: status === 'stale' ? 'The kubectl agent has missed its heartbeats' : 'The kubectl agent is not connected' };
};
