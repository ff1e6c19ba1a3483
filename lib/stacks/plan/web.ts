/**
 * Pure planning for the deployed console (stacks/web.ts), beside the other deploy plans (lib/stacks-plan.ts) and tested the
 * same way (test/unit/stacks-web.test.ts).
 *
 * One CloudFront Router is the console's and the API's single origin: the built console at "/",
 * and every path prefix of the route table forwarded to the API. So deployed, as locally, the
 * page calls the API on its own origin: the OAuth browser-binding cookie (SameSite=Lax) is a
 * first-party cookie, CORS has nothing to allow, and the OAuth flows come back to the console.
 * Values known only at deploy time are {{tokens}} (lib/stacks-plan.ts TOKENS): {{web.url}} is the
 * Router's URL, which exists before the API's functions are declared, so nothing is circular.
 */
import type { RouteDef } from '../../http/route-types.ts';
import { CONSOLE_ASSETS_PREFIX, CONSOLE_CONFIG_PATH, CONSOLE_PAGES, CONSOLE_RETURN_PAGE, type ConsoleConfig } from '../../../web/pages.ts';

export const WEB_URL_TOKEN = '{{web.url}}';
export const ROUTER_NAME = 'ConsoleRouter';
export const SITE_NAME = 'ConsoleSite';
export const DEFAULT_OIDC_SCOPE = 'openid profile email';

export interface WebPlan {
  /** first segments of the route table's paths, each forwarded by the Router to the API */
  apiPrefixes: string[];
  /** what the static site answers (the SPA falls back to index.html for its own pages) */
  consolePaths: string[];
  build: { command: string; output: string; environment: Record<string, string> };
  /** the config document written beside index.html; its values may hold {{tokens}} */
  config: ConsoleConfig;
  /** settings every function gets unless the deployer set them (FRONTURL, BACKEND_URL) */
  functionSettings: Record<string, string>;
  /** the API's one CORS origin */
  corsOrigin: string;
  warnings: string[];
}

function firstSegment(path: string): string {
  const seg = path.split('/')[1] ?? '';
  if (!seg || seg.startsWith('{')) throw new Error(`Route path "${path}" starts with a parameter: the console's Router cannot tell it from the console's own pages`);
  return `/${seg}`;
}

/**
 * The console's deploy plan from the route table, the deploy environment and the shared deploy
 * settings (lib/stacks-plan.ts deploySettings: authMode and the forwarded settings).
 */
export function planWeb(routes: readonly RouteDef[], env: Record<string, string | undefined>, settings: { authMode: 'jwt' | 'trusted-header'; shared: Record<string, string> }): WebPlan {
  const warnings: string[] = [];
  const apiPrefixes = [...new Set(routes.flatMap((r) => r.paths.map(firstSegment)))].sort();
  const consolePaths = [...new Set([...Object.values(CONSOLE_PAGES), CONSOLE_ASSETS_PREFIX.replace(/\/$/, ''), CONSOLE_CONFIG_PATH])];
  for (const p of consolePaths) {
    if (p === '/') continue;
    const clash = apiPrefixes.find((a) => p === a || p.startsWith(`${a}/`));
    if (clash) throw new Error(`The console's path "${p}" is under the API prefix "${clash}": the Router would send it to the API`);
  }

  const issuer = env.JWT_ISSUER || undefined;
  const clientId = env.CONSOLE_OIDC_CLIENT_ID || undefined;
  let oidc: ConsoleConfig['oidc'] = null;
  if (settings.authMode === 'jwt') {
    if (issuer && clientId) oidc = { issuer: issuer.replace(/\/+$/, ''), client_id: clientId, scope: env.CONSOLE_OIDC_SCOPE || DEFAULT_OIDC_SCOPE };
    else warnings.push('AUTH_MODE is jwt but JWT_ISSUER or CONSOLE_OIDC_CLIENT_ID is unset: the console cannot sign anyone in');
    if (issuer && !/^https:\/\//.test(issuer)) throw new Error(`JWT_ISSUER="${issuer}" must be an https URL (the console signs in there)`);
  } else warnings.push('AUTH_MODE is trusted-header: the console sends X-User-ID, which only a trusted proxy in front of it may set');

  const config: ConsoleConfig = { auth_mode: settings.authMode, api_url: WEB_URL_TOKEN, oidc };
  const functionSettings: Record<string, string> = {};
  // the deployer's own values (a custom domain) win; otherwise the Router's URL
  if (!settings.shared.FRONTURL) functionSettings.FRONTURL = `${WEB_URL_TOKEN}${CONSOLE_RETURN_PAGE}`;
  if (!settings.shared.BACKEND_URL) functionSettings.BACKEND_URL = WEB_URL_TOKEN;
  const corsOrigin = env.FRONTEND_ORIGIN || (settings.shared.FRONTURL ? new URL(settings.shared.FRONTURL).origin : WEB_URL_TOKEN);
  return {
    apiPrefixes,
    consolePaths,
    // scripts/build-console.ts reads AURORA_CONSOLE_CONFIG; web/vite.config.ts writes it beside index.html
    build: { command: 'npm run build:web', output: 'web/dist', environment: { AURORA_CONSOLE_CONFIG: JSON.stringify(config) } },
    config,
    functionSettings,
    corsOrigin,
    warnings,
  };
}
