import { defineConnector } from '../kit/define.ts';

/**
 * Kubernetes clusters: a cluster connects through the kubectl agent it runs (agent/), with a token
 * made by POST /api/kubectl/tokens (lib/kubectl/). The service never holds cluster credentials:
 * nothing goes to the secret store, the token's hash is in the table, and cloud_tool's kubectl
 * commands go to the agent (lib/commands/agent-commands.ts). Its settings are the agent
 * subsystem's (lib/config/kubectl.ts, registered in lib/config.ts as `kubectl`).
 */
export const connector = defineConnector({
  id: 'kubernetes',
  name: 'Kubernetes',
  kind: 'cluster',
  authKind: 'agent_token',
  clis: ['kubectl'],
  storesSecret: false,
  account: { label: 'Cluster ID', pattern: '^kc-[0-9a-f]{24}$', message: 'must be a cluster id (kc- and 24 hex digits)' },
  fields: [],
  status: {
    fields: [{ name: 'cluster_name', from: ['metadata.cluster_name', 'account_name'], type: 'string' }],
    onFault: 'error',
    notConnected: 'No Kubernetes cluster is connected',
  },
  // no per-provider paths in the original API: clusters have their own routes (lib/kubectl/routes.ts)
  legacy: { status: [] },
});
