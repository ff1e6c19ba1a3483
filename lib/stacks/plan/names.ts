/** Names, handler paths, stages and API Gateway paths the stacks can deploy. */
export const NAME_RE = /^[A-Z][A-Za-z0-9]{0,59}$/;
const STAGE_RE = /^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/;

/** RouteDef.id → component name: "connections.markDisconnected" → "ConnectionsMarkDisconnected". */
export function functionName(id: string): string {
  const name = id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');
  if (!NAME_RE.test(name)) throw new Error(`Route id "${id}" gives an invalid function name "${name}" (letters and digits, starting with a letter, at most 60)`);
  return name;
}

/** "functions/x/y.ts" → "functions/x/y.handler" */
export function sstHandler(handlerFile: string): string {
  if (!/^functions\/[a-z0-9-]+(\/[a-z0-9-]+)*\.ts$/.test(handlerFile)) {
    throw new Error(`Handler "${handlerFile}" must be a module under functions/ named like functions/<area>/<verb>.ts`);
  }
  return handlerFile.replace(/\.ts$/, '.handler');
}

export function assertStage(stage: string): string {
  if (!STAGE_RE.test(stage)) throw new Error(`Stage "${stage}" must be letters, digits and dashes (it is used in IAM resource names)`);
  return stage;
}

/** An API Gateway path: "/a/{id}/b"; a greedy "{proxy+}" only as the last segment. */
export function assertPath(path: string): string {
  const ok = /^\/([A-Za-z0-9._~-]+|\{[A-Za-z_][A-Za-z0-9_]*\})(\/([A-Za-z0-9._~-]+|\{[A-Za-z_][A-Za-z0-9_]*\}))*(\/\{[A-Za-z_][A-Za-z0-9_]*\+\})?$/.test(path);
  if (!ok && path !== '/') throw new Error(`Path "${path}" is not a valid API Gateway route path`);
  return path;
}

/** "GET /a/{id}" → "GET /a/{}": API Gateway rejects two routes that differ only by parameter names. */
export function routeKeyShape(routeKey: string): string {
  return routeKey.replace(/\{[^}]*\}/g, '{}');
}

/**
 * The IAM path of every function role the stacks create: SST names roles after the component with
 * a random suffix, so only a path lets one Vault AWS auth role be bound to all of a stage's
 * functions (bound_iam_principal_arn arn:aws:iam::<account>:role/<app>/<stage>/*, README).
 */
export function functionRolePath(app: string, stage: string): string {
  return `/${app}/${assertStage(stage)}/`;
}
