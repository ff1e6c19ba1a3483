
/**
 * The agents' WebSocket API as data, like the HTTP route table: stacks/websocket.ts deploys one
 * Lambda per route key, and the local gateway serves the same routes with the same handler
 * modules (lib/local/websocket-gateway.ts).
 */
/** What a WebSocket route's function may touch (the same names as the HTTP routes' capabilities). */
export type WsCapability = 'table' | 'agents';

export interface WsRouteDef {
  /** stable id, also the Lambda's logical name: "kubectlAgent.connect" → KubectlAgentConnect */
  id: string;
  /** $connect, $disconnect, $default, or a message type */
  routeKey: string;
  handler: string;
  summary: string;
  capabilities: WsCapability[];
  timeoutSeconds?: number;
  memoryMb?: number;
}

export interface WebSocketApiDef {
  /** component name of the API */
  name: string;
  /** where the local gateway serves it (deployed, a custom domain may map the same path) */
  localPath: string;
  routeSelectionExpression: string;
  routes: WsRouteDef[];
}

export const KUBECTL_AGENT_PATH = '/kubectl-agent';

export const kubectlAgentApi: WebSocketApiDef = {
  name: 'KubectlAgentApi',
  localPath: KUBECTL_AGENT_PATH,
  routeSelectionExpression: '$request.body.type',
  routes: [
    {
      id: 'kubectlAgent.connect',
      routeKey: '$connect',
      handler: 'functions/kubectl-ws/connect.ts',
      summary: 'Admit an agent whose bearer token matches a stored hash, unexpired and unrevoked; record its socket',
      // agents: a reconnecting agent's previous socket is closed
      capabilities: ['table', 'agents'],
    },
    {
      id: 'kubectlAgent.disconnect',
      routeKey: '$disconnect',
      handler: 'functions/kubectl-ws/disconnect.ts',
      summary: 'Forget a closed socket; commands still waiting on it fail at once',
      capabilities: ['table'],
    },
    {
      id: 'kubectlAgent.register',
      routeKey: 'register',
      handler: 'functions/kubectl-ws/register.ts',
      summary: 'Record the agent and Kubernetes versions; answer "connected" with the heartbeat interval',
      capabilities: ['table', 'agents'],
    },
    {
      id: 'kubectlAgent.heartbeat',
      routeKey: 'heartbeat',
      handler: 'functions/kubectl-ws/heartbeat.ts',
      summary: 'Record a heartbeat; answer heartbeat_ack (or close the socket if its token has expired)',
      capabilities: ['table', 'agents'],
    },
    {
      id: 'kubectlAgent.commandResponse',
      routeKey: 'command_response',
      handler: 'functions/kubectl-ws/command-response.ts',
      summary: 'Store the result of a kubectl command for the request waiting on it',
      // agents: a malformed response is answered with an error message
      capabilities: ['table', 'agents'],
    },
    {
      id: 'kubectlAgent.default',
      routeKey: '$default',
      handler: 'functions/kubectl-ws/default.ts',
      summary: 'Answer a message of no known type with an error message',
      capabilities: ['agents'],
    },
  ],
};

export function routeOf(routeKey: string): WsRouteDef {
  const r = kubectlAgentApi.routes.find((x) => x.routeKey === routeKey);
  if (!r) throw new Error(`No route ${routeKey} in ${kubectlAgentApi.name}`);
  return r;
}
