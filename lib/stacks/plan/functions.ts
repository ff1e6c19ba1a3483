/** One route of the table → one Lambda; and the `$default` route's function. */
import type { RouteDef } from '../../http/route-types.ts';
import { assertPath, functionName, routeKeyShape, sstHandler } from './names.ts';
import { planCapabilities } from './permissions.ts';
import { assertNotReserved } from './reserved.ts';
import { DEFAULT_SETTINGS, type DeploySettings } from './settings.ts';
import { TOKENS } from './tokens.ts';
import type { FunctionPlan } from './types.ts';

/** API Gateway HTTP API integrations time out after 30 s whatever the Lambda's own timeout. */
export const HTTP_INTEGRATION_TIMEOUT_SECONDS = 30;
export const DEFAULT_TIMEOUT_SECONDS = 10;
export const DEFAULT_MEMORY_MB = 512;
/** exec (cloud CLIs): as long as the HTTP API allows, and one full vCPU (1769 MB). */
export const EXEC_TIMEOUT_SECONDS = 29;
export const EXEC_MEMORY_MB = 1769;

/**
 * The timeout a route's function gets, deployed and in the local gateway alike (a CLI run that
 * fits the deployed budget must not time out on a laptop).
 */
export function routeTimeoutSeconds(route: Pick<RouteDef, 'timeoutSeconds' | 'capabilities'>): number {
  return route.timeoutSeconds ?? (route.capabilities.includes('exec') ? EXEC_TIMEOUT_SECONDS : DEFAULT_TIMEOUT_SECONDS);
}

/** HTTP functions build OAuth redirect URIs from BACKEND_URL: the API's own URL unless the deployer set one (custom domain). */
function withBackendUrl<T extends { environment: Record<string, string> }>(p: T): T {
  p.environment.BACKEND_URL ??= TOKENS.apiUrl;
  return p;
}

/** One route → one Lambda. Throws on anything the stacks could not deploy. */
export function planFunction(route: RouteDef, stage: string, settings: DeploySettings = DEFAULT_SETTINGS): FunctionPlan {
  const name = functionName(route.id);
  assertNotReserved(name, `Route "${route.id}"`);
  if (route.paths.length === 0) throw new Error(`Route "${route.id}" has no path`);
  route.paths.forEach(assertPath);
  const timeout = routeTimeoutSeconds(route);
  const memory = route.memoryMb ?? (route.capabilities.includes('exec') ? EXEC_MEMORY_MB : DEFAULT_MEMORY_MB);
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > HTTP_INTEGRATION_TIMEOUT_SECONDS) {
    throw new Error(`Route "${route.id}": timeoutSeconds ${timeout} must be 1..${HTTP_INTEGRATION_TIMEOUT_SECONDS} (the HTTP API gives up at 30 s)`);
  }
  if (!Number.isInteger(memory) || memory < 128 || memory > 10240) throw new Error(`Route "${route.id}": memoryMb ${memory} must be 128..10240`);
  return {
    name,
    handler: sstHandler(route.handler),
    handlerFile: route.handler,
    method: route.method,
    paths: [...route.paths],
    routeKeys: route.paths.map((p) => `${route.method} ${p}`),
    auth: route.auth,
    capabilities: [...route.capabilities],
    ...withBackendUrl(planCapabilities(route.capabilities, stage, settings)),
    timeout,
    memory,
  };
}

/** Every route planned, with the checks that span routes: unique names, no repeated method+path. */
export function planRoutes(routes: readonly RouteDef[], stage: string, settings: DeploySettings = DEFAULT_SETTINGS): FunctionPlan[] {
  const plans = routes.map((r) => planFunction(r, stage, settings));
  const names = new Map<string, string>();
  const keys = new Map<string, string>();
  for (const [i, p] of plans.entries()) {
    const id = routes[i].id;
    const clash = names.get(p.name);
    if (clash) throw new Error(`Routes "${clash}" and "${id}" both map to the function name "${p.name}"`);
    names.set(p.name, id);
    for (const k of p.routeKeys) {
      const shape = routeKeyShape(k);
      const other = keys.get(shape);
      if (other) throw new Error(`"${k}" is served twice (routes "${other}" and "${id}")`);
      keys.set(shape, id);
    }
  }
  return plans;
}

/** The `$default` route's Lambda: unmatched paths answer the JSON error envelope. It touches nothing. */
export const FALLBACK_FUNCTION = { name: 'NotFound', handler: 'functions/system/not-found.ts', timeoutSeconds: 3, memoryMb: 128 } as const;

export function planFallback(stage: string, settings: DeploySettings = DEFAULT_SETTINGS): FunctionPlan {
  return {
    name: FALLBACK_FUNCTION.name,
    handler: sstHandler(FALLBACK_FUNCTION.handler),
    handlerFile: FALLBACK_FUNCTION.handler,
    paths: [],
    routeKeys: ['$default'],
    capabilities: [],
    ...planCapabilities([], stage, settings),
    timeout: FALLBACK_FUNCTION.timeoutSeconds,
    memory: FALLBACK_FUNCTION.memoryMb,
  };
}
