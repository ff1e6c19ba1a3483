import '../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../deps.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import { getConnection } from '../connections/repo.ts';
import type { Connection } from '../connections/types.ts';
import { PROVIDER, getCluster, listClusters, type ClusterState } from './repo.ts';
import { runOnCluster } from './service.ts';
import { CLUSTER_ID_RE } from './tokens.ts';

/**
 * cloud_tool for provider `kubernetes`: which cluster (the one named, else the user's only
 * connected one) and the agent run in cloud_tool's result shape. The policy (parser, grammar,
 * argument rules, Ask/Agent, confirmations) has been applied by cloud_tool before this runs.
 */
export async function selectCluster(d: Deps, userId: string, clusterId: string | undefined): Promise<ClusterState> {
  if (clusterId !== undefined) {
    if (!CLUSTER_ID_RE.test(clusterId)) throw new BadRequestError('cluster_id is not a cluster id', { code: 'validation_error', field: 'cluster_id' });
    const c = await getCluster(d.db, userId, clusterId);
    if (!c) throw new NotFoundError(`No Kubernetes cluster ${clusterId}`, { code: 'cluster_not_found', field: 'cluster_id' });
    return c;
  }
  const connected = (await listClusters(d.db, userId)).filter((c) => c.agentSocket);
  if (connected.length === 1) return connected[0];
  if (connected.length === 0) {
    throw new BadRequestError('No Kubernetes cluster has a connected agent. Add a cluster (POST /api/kubectl/tokens) and install its agent, then run the command again.', {
      code: 'provider_not_connected',
      field: 'cluster_id',
      extra: { action: 'CONNECT_REQUIRED', provider: 'kubernetes' },
    });
  }
  throw new BadRequestError(`cluster_id is required: ${connected.length} clusters are connected (${connected.map((c) => `${c.clusterName} ${c.clusterId}`).join(', ')})`, { code: 'cluster_id_required', field: 'cluster_id' });
}

/** The kubectl agent as cloud_tool's runner for provider `kubernetes` (lib/commands/agent-commands.ts checks its shape). */
export const kubernetesRunner = {
  async select(d: Deps, userId: string, input: { cluster_id?: string }) {
    const cluster = await selectCluster(d, userId, input.cluster_id);
    const conn = await getConnection(d.db, { userId, provider: PROVIDER, accountId: cluster.clusterId });
    if (!conn) throw new NotFoundError(`No Kubernetes cluster ${cluster.clusterId}`, { code: 'cluster_not_found', field: 'cluster_id' });
    return conn;
  },
  // Output as cloud_tool shows it: parsed JSON when kubectl printed JSON, else its text (stderr when stdout is empty).
  async run(d: Deps, userId: string, connection: Connection, argv: readonly string[], timeoutMs: number) {
    const max = d.config.commands.maxOutputChars;
    const r = await runOnCluster(d, userId, connection.accountId, argv, timeoutMs);
    const cut = (t: string) => (t.length > max ? t.slice(0, max) : t);
    const truncated = r.truncated || r.output.length > max || r.error.length > max;
    let output: unknown = cut(r.output.trim() === '' && r.error.trim() !== '' ? r.error : r.output);
    if (typeof output === 'string' && /^\s*[[{]/.test(output) && !truncated) {
      try {
        output = JSON.parse(output);
      } catch {
        /* text that merely starts like JSON */
      }
    }
    return { success: r.success, return_code: r.return_code, output, stderr: cut(r.error), truncated, timed_out: r.return_code === 124, duration_ms: r.duration_ms, refused_by_agent: r.refused };
  },
};
