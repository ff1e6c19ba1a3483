import type { Deps } from '../deps.ts';
import type { Connection } from '../connections/types.ts';
import type { ProviderId } from '../connectors/generated/ids.ts';

/**
 * Providers whose cloud_tool commands run on an agent the user installed next to the resources
 * (Kubernetes: the kubectl agent in the cluster, reached over the WebSocket API) instead of in the
 * executor: the service holds no credential to hand a CLI. cloud_tool applies the same parser,
 * grammar, argument rules, policy, confirmations and audit, then gives the final argv to the
 * provider's runner. One loader per provider, so a bundle carries only the runners it can reach.
 */
export interface AgentRunResult {
  success: boolean;
  return_code: number;
  /** parsed JSON when the command printed JSON, else its text */
  output: unknown;
  stderr: string;
  truncated: boolean;
  timed_out: boolean;
  duration_ms: number;
  /** the agent's own policy refused the command */
  refused_by_agent: boolean;
}

export interface AgentRunner {
  /** the connection a run targets: the one `cluster_id` names, else the caller's only connected one */
  select(d: Deps, userId: string, input: { cluster_id?: string }): Promise<Connection>;
  run(d: Deps, userId: string, connection: Connection, argv: readonly string[], timeoutMs: number): Promise<AgentRunResult>;
}

const LOADERS: Partial<Record<ProviderId, () => Promise<AgentRunner>>> = {
  kubernetes: async () => (await import('../kubectl/cloud-tool.ts')).kubernetesRunner,
};

export async function agentRunner(provider: ProviderId): Promise<AgentRunner | null> {
  const load = LOADERS[provider];
  return load ? load() : null;
}
