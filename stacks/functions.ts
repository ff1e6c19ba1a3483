/**
 * Applies a FunctionPlan (lib/stacks-plan.ts) as an sst.aws.Function: the plan decides names,
 * handlers, permissions, links and environment; this file only resolves the plan's {{tokens}}
 * to Pulumi outputs and fixes the settings every function shares.
 */
import { bundleOptions } from "../lib/build/bundle.ts";
import { functionRolePath, tokensIn, resolveTokens, type FunctionPlan } from "../lib/stacks-plan.ts";

/** Values for the plans' {{tokens}}: "table.arn" → table.arn, "api.url" → api.url, ... (never a secret's value) */
export type TokenValues = Record<string, $util.Input<string>>;

/** A template with {{tokens}} → an Output (or the plain string when it has none). Unknown tokens fail at once. */
export function resolver(values: TokenValues) {
  return (template: string): $util.Input<string> => {
    const keys = tokensIn(template);
    if (keys.length === 0) return template;
    const missing = keys.filter((k) => values[k] === undefined);
    if (missing.length) throw new Error(`No value for ${missing.map((k) => `{{${k}}}`).join(", ")} in "${template}"`);
    return $util
      .all(keys.map((k) => values[k]))
      .apply((resolved) => resolveTokens(template, Object.fromEntries(keys.map((k, i) => [k, resolved[i]]))));
  };
}

export function logRetention(): "1 month" | "6 months" {
  return $app.stage === "production" ? "6 months" : "1 month";
}

export function createFunction(
  plan: FunctionPlan,
  ctx: { values: TokenValues; linkables: Record<string, sst.Secret>; description?: string },
): sst.aws.Function {
  const resolve = resolver(ctx.values);
  const link = plan.links.map((name) => {
    const l = ctx.linkables[name];
    if (!l) throw new Error(`${plan.name}: nothing to link named ${name}`);
    return l;
  });
  return new sst.aws.Function(plan.name, {
    description: (ctx.description ?? (plan.routeKeys.join(", ") || plan.handler)).slice(0, 256),
    handler: plan.handler,
    // "nodejs24.x" is in this SST's runtime union (and its default); stated for clarity
    runtime: "nodejs24.x",
    architecture: "arm64",
    timeout: `${plan.timeout} seconds`,
    memory: `${plan.memory} MB`,
    // sourcemap left unset: SST then builds linked maps, keeps them out of the zip and uploads them
    // to its bootstrap bucket for the Console (an explicit false would ship them in every zip and
    // upload none). esbuild.external: the one option of lib/build/bundle.ts that SST's build does
    // not already share (its target for nodejs24.x is ES2024 and keepNames its default, as there),
    // so a deployed bundle holds the same modules `npm run bench` measures. splitting: as
    // bundleOptions.splitting (lib/build/bundle.ts says why); SST then builds into a directory.
    nodejs: { format: "esm", minify: true, splitting: bundleOptions.splitting, esbuild: { external: [...bundleOptions.external] } },
    environment: Object.fromEntries(Object.entries(plan.environment).map(([k, v]) => [k, resolve(v)])),
    permissions: plan.permissions.map((p) => ({
      effect: p.effect,
      actions: p.actions,
      resources: p.resources.map(resolve),
      conditions: p.conditions?.map((c) => ({ test: c.test, variable: c.variable, values: c.values.map(resolve) })),
    })),
    link,
    logging: { retention: logRetention() },
    // one path for the stage's roles: what a Vault AWS auth role binds to (names carry a random suffix)
    transform: { role: (args) => void (args.path = functionRolePath($app.name, $app.stage)) },
  });
}
