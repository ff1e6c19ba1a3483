/**
 * The console's own paths, as data shared by the single-page app (web/src/router.tsx), the local
 * runtime that serves it (lib/local/console.ts) and the deploy plan (lib/stacks/plan/web.ts).
 * Only these answer with index.html; every other path stays the API's, so an unknown API path
 * still gets the JSON error envelope.
 */
export const CONSOLE_PAGES = {
  home: '/',
  connectors: '/connectors',
  commands: '/commands',
  kubernetes: '/kubernetes',
  /** what agents asked to run, waiting for the person's approval (MCP tool results link here) */
  approvals: '/approvals',
  /** agent tokens for the MCP endpoint */
  agents: '/agents',
  /** where the OIDC issuer sends the browser back after sign-in (JWT mode) */
  signinCallback: '/signin-callback',
} as const;

export type ConsolePage = (typeof CONSOLE_PAGES)[keyof typeof CONSOLE_PAGES];

/** Built files (hashed names) live under this prefix. */
export const CONSOLE_ASSETS_PREFIX = '/assets/';

/** The small document that tells the page how to reach the API and who signs users in. */
export const CONSOLE_CONFIG_PATH = '/console-config.json';

/** The FRONTURL the OAuth flows come back to: the Connectors page reads ?login=… there. */
export const CONSOLE_RETURN_PAGE = CONSOLE_PAGES.connectors;

export interface ConsoleConfig {
  /** how the API identifies the caller: X-User-ID (local, behind a trusted proxy) or a bearer token */
  auth_mode: 'trusted-header' | 'jwt';
  /** base URL of the API as the browser sees it; "" for the page's own origin */
  api_url: string;
  /** the OIDC issuer the JWT authorizer trusts, and the console's public client there (JWT mode) */
  oidc: { issuer: string; client_id: string; scope: string } | null;
}

/** Every path that answers with the page (trailing slash tolerated). */
export function isConsolePage(pathname: string): boolean {
  const p = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  return (Object.values(CONSOLE_PAGES) as string[]).includes(p);
}
