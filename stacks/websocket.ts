/**
 * The agents' WebSocket API (design §11): an API Gateway WebSocket API whose route selection
 * expression reads the message's `type`, and ONE Lambda per route key ($connect checks the agent
 * token, $disconnect, register, heartbeat, command_response, $default), planned by
 * lib/stacks/plan/websocket.ts from lib/kubectl/ws-routes.ts. The HTTP functions that talk to
 * agents (capability "agents") get its management endpoint and execute-api:ManageConnections on its
 * @connections, through the {{agents.*}} token values this returns.
 *
 * Deploy-time setting: KUBECTL_AGENT_WS_URL when agents should connect through a custom domain
 * (map its path to this API); otherwise they connect to the API's own wss:// URL.
 */
import { planWebSocketApi } from "../lib/stacks-plan.ts";
import { createFunction, logRetention, type TokenValues } from "./functions.ts";
import type { SecretsStack } from "./secrets.ts";

export async function createWebSocket(ctx: { secrets: SecretsStack; values: TokenValues; taken: string[] }) {
  const { kubectlAgentApi } = await import("../lib/kubectl/ws-routes.ts");
  const plan = planWebSocketApi(kubectlAgentApi, $app.stage, ctx.secrets.settings, ctx.taken);

  const api = new sst.aws.ApiGatewayWebSocket(plan.name, {
    accessLog: { retention: logRetention() },
    transform: {
      api: (args) => {
        args.routeSelectionExpression = plan.routeSelectionExpression;
      },
      stage: (args) => {
        args.defaultRouteSettings = { throttlingBurstLimit: plan.throttle.burstLimit, throttlingRateLimit: plan.throttle.rateLimit };
      },
    },
  });

  const agentValues: TokenValues = {
    "agents.executionArn": api.nodes.api.executionArn,
    "agents.managementEndpoint": api.managementEndpoint,
    "agents.url": api.url,
  };
  const values: TokenValues = { ...ctx.values, ...agentValues };
  const functions: Record<string, sst.aws.Function> = {};
  for (const fp of plan.functions) {
    functions[fp.name] = createFunction(fp, { values, linkables: ctx.secrets.linkables, description: `${plan.name} ${fp.routeKey}` });
    api.route(fp.routeKey, functions[fp.name].arn);
  }
  return { api, functions, values: agentValues };
}
