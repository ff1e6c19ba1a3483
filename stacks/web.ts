/**
 * The console (web/) deployed: one CloudFront Router serving the static site at "/" and
 * forwarding every API path prefix of the route table to the HTTP API, so the page and the API
 * share one origin (lib/stacks/plan/web.ts says why and plans it; this file applies the plan).
 *
 * Deploy-time settings: AUTH_MODE, JWT_ISSUER (the OIDC issuer the console signs in with, the
 * JWT authorizer's), CONSOLE_OIDC_CLIENT_ID and CONSOLE_OIDC_SCOPE (its public client there, with
 * <router URL>/signin-callback registered as a redirect URI). FRONTURL and BACKEND_URL default to
 * the Router's URL; set them for a custom domain.
 */
import { planWeb, ROUTER_NAME, SITE_NAME, type WebPlan } from "../lib/stacks/plan/web.ts";
import { resolver, type TokenValues } from "./functions.ts";
import type { SecretsStack } from "./secrets.ts";

/**
 * The front door, first: its URL is what every function is told the console is (FRONTURL) and
 * where the OAuth callbacks arrive (BACKEND_URL), so the returned secrets stack carries those
 * settings for the stacks created after it.
 */
export async function createConsoleRouter(ctx: { secrets: SecretsStack }) {
  const { routes } = await import("../lib/http/routes.ts");
  const plan = planWeb(routes, process.env, ctx.secrets.settings);
  for (const w of plan.warnings) console.warn(`aurora-connectors console: ${w}`);
  const router = new sst.aws.Router(ROUTER_NAME);
  const values: TokenValues = { "web.url": router.url };
  const settings = { ...ctx.secrets.settings, shared: { ...ctx.secrets.settings.shared, ...plan.functionSettings } };
  return { router, plan, values, secrets: { ...ctx.secrets, settings }, corsOrigin: resolver(values)(plan.corsOrigin) };
}

/** The site behind the Router, and the API's prefixes routed to the API. */
export function createConsoleSite(ctx: { router: sst.aws.Router; plan: WebPlan; apiUrl: $util.Input<string>; values: TokenValues }) {
  for (const prefix of ctx.plan.apiPrefixes) ctx.router.route(prefix, ctx.apiUrl);
  const resolve = resolver(ctx.values);
  const site = new sst.aws.StaticSite(SITE_NAME, {
    path: ".",
    build: { command: ctx.plan.build.command, output: ctx.plan.build.output },
    environment: Object.fromEntries(Object.entries(ctx.plan.build.environment).map(([k, v]) => [k, resolve(v)])),
    router: { instance: ctx.router },
  });
  return { site, url: ctx.router.url };
}
