import { section, setting, int, optUrl, str } from './define.ts';

/**
 * Kubernetes clusters reached through the kubectl agent (agent/): where agents connect, how the
 * service reaches their sockets, and the limits on agent tokens and commands.
 */
export const kubectlSection = section(
  {
    KUBECTL_AGENT_WS_URL: setting(
      optUrl(),
      'Kubernetes: the WebSocket URL agents connect to (aurora.wsEndpoint in the Helm values). Deployed, the websocket stack sets it to the WebSocket API; locally: BACKEND_URL with ws:// and /kubectl-agent.',
    ),
    KUBECTL_AGENT_MANAGEMENT_ENDPOINT: setting(
      optUrl(),
      'Kubernetes: endpoint of the API Gateway management API that sends messages to agent sockets and closes them (https://<api-id>.execute-api.<region>.amazonaws.com/<stage>). Deployed, set by the websocket stack; locally: the local gateway, which serves /@connections.',
    ),
    KUBECTL_HEARTBEAT_SECONDS: setting(int(30, 30, 60), 'Kubernetes: seconds between agent heartbeats (told to each agent when it registers); a cluster is stale after three missed heartbeats.'),
    KUBECTL_TOKEN_DEFAULT_DAYS: setting(int(90, 1, 3650), 'Kubernetes: lifetime of an agent token when POST /api/kubectl/tokens names no expires_days.'),
    KUBECTL_TOKEN_MAX_DAYS: setting(int(365, 1, 3650), 'Kubernetes: the longest expires_days an agent token may be given.'),
    KUBECTL_TOKEN_RATE_LIMIT: setting(int(10, 1, 10000), 'Kubernetes: agent tokens (created or rotated) one user may obtain per rate window; more answer 429.'),
    KUBECTL_TOKEN_RATE_WINDOW_SECONDS: setting(int(3600, 60, 86400), 'Kubernetes: length of the agent-token rate window in seconds.'),
    KUBECTL_COMMAND_TIMEOUT_MS: setting(
      int(20000, 500, 27000),
      'Kubernetes: how long a kubectl command may take on the agent (milliseconds), told to the agent with the command; the request waits this long plus a margin, inside the 29 s an HTTP function may run.',
    ),
    KUBECTL_AGENT_IMAGE: setting(str('your-registry/aurora-kubectl-agent:1.0.0'), 'Kubernetes: agent image (repository:tag) written into the Helm values a new token comes with (build it from agent/Dockerfile).'),
    KUBECTL_CHART_REF: setting(str('./agent/chart'), 'Kubernetes: the chart reference the install command names (a path to agent/chart or a published chart).'),
  },
  (v) => ({
    wsUrl: v.KUBECTL_AGENT_WS_URL,
    managementEndpoint: v.KUBECTL_AGENT_MANAGEMENT_ENDPOINT,
    heartbeatSeconds: v.KUBECTL_HEARTBEAT_SECONDS,
    tokenDefaultDays: v.KUBECTL_TOKEN_DEFAULT_DAYS,
    tokenMaxDays: Math.max(v.KUBECTL_TOKEN_MAX_DAYS, 1),
    tokenRateLimit: v.KUBECTL_TOKEN_RATE_LIMIT,
    tokenRateWindowSeconds: v.KUBECTL_TOKEN_RATE_WINDOW_SECONDS,
    commandTimeoutMs: v.KUBECTL_COMMAND_TIMEOUT_MS,
    agentImage: v.KUBECTL_AGENT_IMAGE,
    chartRef: v.KUBECTL_CHART_REF,
  }),
);
