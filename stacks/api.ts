/**
 * The HTTP API: one API Gateway HTTP API, and ONE Lambda per entry of the route
 * table (lib/http/routes.ts), every path of the entry routed to that same function.
 * lib/stacks-plan.ts decides each function's name, handler, timeout, memory, and the permissions,
 * links and environment its capabilities justify; this file applies the plans.
 *
 * Deploy-time settings (the environment `sst deploy` runs in):
 *   FRONTEND_ORIGIN (or FRONTURL's origin): the one CORS origin.
 *   JWT_ISSUER + JWT_AUDIENCE: a JWT authorizer in front of every "user" route ("open" routes,
 *     the OAuth callbacks, stay open and are bound by their single-use state).
 *   AUTH_MODE: jwt (default) or trusted-header (only with API_CUSTOM_DOMAIN behind a proxy that
 *     sets X-User-ID; the execute-api endpoint is then disabled).
 *   API_CUSTOM_DOMAIN (+ API_CUSTOM_DOMAIN_CERT_ARN when its DNS is not SST's to write).
 *   On the production stage JWT_ISSUER and FRONTURL or FRONTEND_ORIGIN are required.
 *   API_THROTTLE_BURST_LIMIT / API_THROTTLE_RATE_LIMIT: default route throttling (100 / 50 rps).
 */
import { planApi, planFallback, planRoutes } from "../lib/stacks-plan.ts";
import { createFunction, logRetention, type TokenValues } from "./functions.ts";
import type { SecretsStack } from "./secrets.ts";

export async function createApi(ctx: { secrets: SecretsStack; values: TokenValues; corsOrigin?: $util.Input<string> }) {
  const { routes } = await import("../lib/http/routes.ts");
  const settings = ctx.secrets.settings;
  const apiPlan = planApi(process.env, settings, $app.stage);
  for (const w of apiPlan.warnings) console.warn(`aurora-connectors api: ${w}`);
  // plan everything first: a bad route fails the deploy before any resource is declared
  const plans = planRoutes(routes, $app.stage, settings);

  const api = new sst.aws.ApiGatewayV2("Api", {
    cors: {
      // the console's origin when stacks/web.ts deploys it (lib/stacks/plan/web.ts)
      allowOrigins: ctx.corsOrigin ? [ctx.corsOrigin] : apiPlan.cors.allowOrigins,
      allowHeaders: apiPlan.cors.allowHeaders,
      allowMethods: apiPlan.cors.allowMethods,
      allowCredentials: apiPlan.cors.allowCredentials,
      maxAge: `${apiPlan.cors.maxAgeSeconds} seconds`,
    },
    accessLog: { retention: logRetention() },
    ...(apiPlan.domain ? { domain: apiPlan.domain.certArn ? { name: apiPlan.domain.name, cert: apiPlan.domain.certArn, dns: false as const } : apiPlan.domain.name } : {}),
    transform: {
      // trusted-header mode: the execute-api URL would let anyone send X-User-ID (lib/stacks/plan/api.ts)
      api: (args) => void (args.disableExecuteApiEndpoint = !apiPlan.defaultEndpoint),
      stage: (args) => {
        args.defaultRouteSettings = {
          throttlingBurstLimit: apiPlan.throttle.burstLimit,
          throttlingRateLimit: apiPlan.throttle.rateLimit,
        };
      },
    },
  });

  const authorizer = apiPlan.jwt
    ? api.addAuthorizer({ name: "Jwt", jwt: { issuer: apiPlan.jwt.issuer, audiences: apiPlan.jwt.audiences } })
    : undefined;

  const values: TokenValues = { ...ctx.values, "api.url": api.url };
  const functions: Record<string, sst.aws.Function> = {};
  for (const plan of plans) {
    const fn = createFunction(plan, { values, linkables: ctx.secrets.linkables });
    functions[plan.name] = fn;
    const auth = plan.auth === "user" && authorizer ? { auth: { jwt: { authorizer: authorizer.id } } } : {};
    for (const key of plan.routeKeys) api.route(key, fn.arn, auth);
  }
  // unmatched paths: our error envelope rather than API Gateway's bare {"message":"Not Found"}
  const fallback = planFallback($app.stage, settings);
  functions[fallback.name] = createFunction(fallback, { values, linkables: ctx.secrets.linkables });
  api.route("$default", functions[fallback.name].arn);

  return { api, functions, routeCount: plans.reduce((n, p) => n + p.routeKeys.length, 0) };
}
