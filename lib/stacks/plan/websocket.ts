/**
 * Planning for the WebSocket APIs (stacks/websocket.ts applies it): one Lambda per route key of a
 * WebSocket API definition (lib/kubectl/ws-routes.ts), named after the route id, with exactly what
 * its capabilities justify (permissions.ts planCapabilities), like the HTTP routes.
 * test/unit/stacks-websocket.test.ts checks these plans.
 */
import type { WebSocketApiDef } from '../../kubectl/ws-routes.ts';
import { functionName, sstHandler } from './names.ts';
import { planCapabilities } from './permissions.ts';
import { assertNotReserved } from './reserved.ts';
import { DEFAULT_SETTINGS, type DeploySettings } from './settings.ts';
import type { FunctionPlan } from './types.ts';

/** API Gateway WebSocket integrations time out after 29 s. */
export const WS_INTEGRATION_TIMEOUT_SECONDS = 29;
export const WS_DEFAULT_TIMEOUT_SECONDS = 10;
export const WS_DEFAULT_MEMORY_MB = 256;
/** Agents are few and chatty only at heartbeat pace; commands go the other way (management API). */
export const WS_THROTTLE = { burstLimit: 50, rateLimit: 20 } as const;

const ROUTE_KEY_RE = /^(\$connect|\$disconnect|\$default|[A-Za-z0-9_.-]{1,128})$/;
const SELECTION_RE = /^\$request\.body\.[A-Za-z0-9_]+$/;

export interface WebSocketFunctionPlan extends FunctionPlan {
  routeKey: string;
}

export interface WebSocketApiPlan {
  name: string;
  routeSelectionExpression: string;
  throttle: { burstLimit: number; rateLimit: number };
  functions: WebSocketFunctionPlan[];
}

export function planWebSocketApi(api: WebSocketApiDef, stage: string, settings: DeploySettings = DEFAULT_SETTINGS, taken: readonly string[] = []): WebSocketApiPlan {
  if (!/^[A-Z][A-Za-z0-9]{0,59}$/.test(api.name)) throw new Error(`WebSocket API name "${api.name}" must be PascalCase letters and digits`);
  if (!SELECTION_RE.test(api.routeSelectionExpression)) throw new Error(`${api.name}: route selection expression "${api.routeSelectionExpression}" must be $request.body.<field>`);
  const keys = api.routes.map((r) => r.routeKey);
  if (!keys.includes('$connect')) throw new Error(`${api.name} has no $connect route: nothing would check who connects`);
  const names = new Set<string>(taken);
  const seen = new Set<string>();
  const functions = api.routes.map((route) => {
    if (!ROUTE_KEY_RE.test(route.routeKey)) throw new Error(`${api.name}: route key "${route.routeKey}" is not one API Gateway takes`);
    if (seen.has(route.routeKey)) throw new Error(`${api.name}: route key "${route.routeKey}" is served twice`);
    seen.add(route.routeKey);
    const name = functionName(route.id);
    assertNotReserved(name, `WebSocket route "${route.id}"`);
    if (name === api.name) throw new Error(`WebSocket route "${route.id}" would take its API's name "${name}"`);
    if (names.has(name)) throw new Error(`WebSocket route "${route.id}" maps to the function name "${name}", which is taken`);
    names.add(name);
    const timeout = route.timeoutSeconds ?? WS_DEFAULT_TIMEOUT_SECONDS;
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > WS_INTEGRATION_TIMEOUT_SECONDS) throw new Error(`WebSocket route "${route.id}": timeout ${timeout} s must be 1..${WS_INTEGRATION_TIMEOUT_SECONDS}`);
    const plan: WebSocketFunctionPlan = {
      name,
      handler: sstHandler(route.handler),
      handlerFile: route.handler,
      paths: [],
      routeKeys: [route.routeKey],
      routeKey: route.routeKey,
      capabilities: [...route.capabilities],
      ...planCapabilities(route.capabilities, stage, settings),
      timeout,
      memory: route.memoryMb ?? WS_DEFAULT_MEMORY_MB,
    };
    return plan;
  });
  return { name: api.name, routeSelectionExpression: api.routeSelectionExpression, throttle: { ...WS_THROTTLE }, functions };
}
