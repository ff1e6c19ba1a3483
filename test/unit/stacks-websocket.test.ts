import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { routes, webSocketApis } from '../../lib/http/routes.ts';
import { kubectlAgentApi, type WebSocketApiDef } from '../../lib/kubectl/ws-routes.ts';
import { deploySettings, planFunction, planRoutes, RESERVED_NAMES, TABLE_ACTIONS, type FunctionPlan } from '../../lib/stacks-plan.ts';
import { planWebSocketApi, WS_INTEGRATION_TIMEOUT_SECONDS } from '../../lib/stacks-plan.ts';

/**
 * The agents' WebSocket API as deployed (stacks/websocket.ts applies these plans), checked like the
 * HTTP routes in test/unit/stacks.test.ts: one Lambda per route key, each handler present, and each
 * function granted exactly what its capabilities justify.
 */
const root = resolve(import.meta.dirname, '../..');
const SETTINGS = {
  secretsManager: deploySettings({ SECRET_BACKEND: 'aws-secrets-manager', FRONTURL: 'https://app.example.com/chat' }, [{ name: 'FRONTURL', secret: false }, { name: 'GOOGLE_CLIENT_SECRET', secret: true }]),
  vault: deploySettings({ SECRET_BACKEND: 'vault' }, [{ name: 'GOOGLE_CLIENT_SECRET', secret: true }]),
};
const taken = planRoutes(routes, 'prod').map((p) => p.name);
const MANAGE = ['POST', 'DELETE', 'GET'].map((m) => `{{agents.executionArn}}/*/${m}/@connections/*`);
const actions = (p: FunctionPlan) => p.permissions.flatMap((s) => s.actions);

describe('the agents’ WebSocket API', () => {
  const plan = planWebSocketApi(kubectlAgentApi, 'prod', SETTINGS.secretsManager, taken);

  it('is the one WebSocket API, routed on the message type, with the protocol’s routes', () => {
    expect(webSocketApis).toEqual([kubectlAgentApi]);
    expect(plan.routeSelectionExpression).toBe('$request.body.type');
    expect(plan.functions.map((f) => f.routeKey).sort()).toEqual(['$connect', '$default', '$disconnect', 'command_response', 'heartbeat', 'register']);
    expect(new Set(plan.functions.map((f) => f.name)).size).toBe(plan.functions.length);
    for (const f of plan.functions) {
      expect(f.name).toMatch(/^[A-Z][A-Za-z0-9]{0,59}$/);
      expect(taken, 'no clash with an HTTP function').not.toContain(f.name);
      expect(RESERVED_NAMES as readonly string[]).not.toContain(f.name);
      expect(f.timeout).toBeLessThanOrEqual(WS_INTEGRATION_TIMEOUT_SECONDS);
      expect(f.routeKeys).toEqual([f.routeKey]);
    }
  });

  it.each(kubectlAgentApi.routes.map((r) => [r.routeKey, r] as const))('%s: its handler file exists and exports handler', async (_k, r) => {
    const file = join(root, r.handler);
    expect(existsSync(file), `${r.handler} missing`).toBe(true);
    expect(typeof ((await import(pathToFileURL(file).href)) as { handler?: unknown }).handler).toBe('function');
  });

  it('grants each function only what its capabilities justify, on either secret backend', () => {
    for (const settings of Object.values(SETTINGS)) {
      for (const f of planWebSocketApi(kubectlAgentApi, 'prod', settings, taken).functions) {
        const caps = new Set(f.capabilities);
        expect(caps.has('secrets'), `${f.name}: WebSocket routes never touch the secret store`).toBe(false);
        expect(f.links).toEqual([]);
        for (const s of f.permissions) {
          const service = s.actions[0].split(':')[0];
          if (service === 'dynamodb') {
            expect(caps.has('table')).toBe(true);
            expect(s).toEqual({ actions: [...TABLE_ACTIONS], resources: ['{{table.arn}}', '{{table.arn}}/index/*'] });
          } else if (service === 'execute-api') {
            expect(caps.has('agents')).toBe(true);
            expect(s).toEqual({ actions: ['execute-api:ManageConnections'], resources: MANAGE });
          } else {
            throw new Error(`${f.name}: unexpected ${s.actions.join(', ')}`);
          }
        }
        expect(Boolean(f.environment.KUBECTL_AGENT_MANAGEMENT_ENDPOINT), f.name).toBe(caps.has('agents'));
        if (caps.has('agents')) expect(f.environment.KUBECTL_AGENT_MANAGEMENT_ENDPOINT).toBe('{{agents.managementEndpoint}}');
        expect(Boolean(f.environment.TABLE_NAME)).toBe(caps.has('table'));
      }
    }
  });

  it('$connect reads the table (token hashes) and may close a replaced socket; $default touches no table', () => {
    const by = Object.fromEntries(plan.functions.map((f) => [f.routeKey, f]));
    expect(by.$connect.capabilities).toEqual(['table', 'agents']);
    expect(actions(by.$default)).toEqual(['execute-api:ManageConnections']);
    expect(by.$disconnect.capabilities).toEqual(['table']);
  });

  it('HTTP routes that reach agents get the management endpoint and ManageConnections, the others none', () => {
    for (const r of routes) {
      const p = planFunction(r, 'prod', SETTINGS.secretsManager);
      const manages = actions(p).includes('execute-api:ManageConnections');
      expect(manages, r.id).toBe(r.capabilities.includes('agents'));
      if (manages) expect(p.environment).toMatchObject({ KUBECTL_AGENT_MANAGEMENT_ENDPOINT: '{{agents.managementEndpoint}}', KUBECTL_AGENT_WS_URL: '{{agents.url}}' });
    }
    expect(routes.filter((r) => r.capabilities.includes('agents')).map((r) => r.id).sort()).toEqual(['cloudTool.run', 'kubectl.createToken', 'kubectl.revokeConnection', 'kubectl.rotateToken', 'mcp.endpoint']);
    // a custom domain set at deploy time wins over the API's own URL
    const custom = deploySettings({ KUBECTL_AGENT_WS_URL: 'wss://agents.example.com/kubectl-agent' }, [{ name: 'KUBECTL_AGENT_WS_URL', secret: false }]);
    expect(planFunction(routes.find((r) => r.id === 'kubectl.rotateToken')!, 'prod', custom).environment.KUBECTL_AGENT_WS_URL).toBe('wss://agents.example.com/kubectl-agent');
  });

  it('refuses plans API Gateway could not deploy', () => {
    const api = (over: Partial<WebSocketApiDef>): WebSocketApiDef => ({ ...kubectlAgentApi, ...over });
    expect(() => planWebSocketApi(api({ routes: kubectlAgentApi.routes.filter((r) => r.routeKey !== '$connect') }), 'prod')).toThrow(/\$connect/);
    expect(() => planWebSocketApi(api({ routeSelectionExpression: '$request.header.x' }), 'prod')).toThrow(/selection/);
    expect(() => planWebSocketApi(api({ routes: [...kubectlAgentApi.routes, kubectlAgentApi.routes[2]] }), 'prod')).toThrow(/twice/);
    expect(() => planWebSocketApi(api({ routes: [{ ...kubectlAgentApi.routes[0], timeoutSeconds: 60 }] }), 'prod')).toThrow(/29/);
    expect(() => planWebSocketApi(kubectlAgentApi, 'prod', undefined, ['KubectlAgentConnect'])).toThrow(/taken/);
  });
});
