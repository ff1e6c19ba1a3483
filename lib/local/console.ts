import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Config } from '../config.ts';
import { CONSOLE_ASSETS_PREFIX, CONSOLE_CONFIG_PATH, isConsolePage, type ConsoleConfig } from '../../web/pages.ts';

/** Where `npm run build:web` (scripts/build-console.ts) writes the console. */
export const CONSOLE_DIST = resolve(import.meta.dirname, '../../web/dist');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

/**
 * The config document of a console served by this runtime: same origin as the API (so the OAuth
 * browser-binding cookie and CORS need nothing), the identity mode the API enforces, and in JWT
 * mode the issuer of the JWT authorizer with the console's public client there.
 */
export function consoleConfigDocument(cfg: Pick<Config, 'core' | 'console'>): ConsoleConfig {
  const jwt = cfg.core.authMode === 'jwt';
  return {
    auth_mode: cfg.core.authMode,
    api_url: '',
    oidc: jwt && cfg.core.jwtIssuer && cfg.console.oidcClientId ? { issuer: cfg.core.jwtIssuer, client_id: cfg.console.oidcClientId, scope: cfg.console.oidcScope } : null,
  };
}

/**
 * The page's security headers: scripts and styles from the console's own files only, API calls
 * to its own origin (and the OIDC issuer in JWT mode), never framed.
 */
export function consoleHeaders(doc: ConsoleConfig): Record<string, string> {
  const connect = ["'self'", ...(doc.oidc ? [new URL(doc.oidc.issuer).origin] : [])].join(' ');
  return {
    'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src ${connect}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

type Served = { status: number; headers: Record<string, string>; body: string | Buffer };

/**
 * The gateway's fallback for paths no route matched: the console's pages answer with index.html,
 * its built assets with themselves, the config document with the live settings; anything else is
 * left to the JSON 404 (null).
 */
export function consoleFallback(opts: { dir?: string; config: () => Pick<Config, 'core' | 'console'> }) {
  const dir = opts.dir ?? CONSOLE_DIST;
  const assets = join(dir, 'assets') + sep;
  return async (method: string, url: URL): Promise<Served | null> => {
    if (method !== 'GET' && method !== 'HEAD') return null;
    const path = url.pathname;
    if (path === CONSOLE_CONFIG_PATH) {
      return { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(consoleConfigDocument(opts.config())) };
    }
    if (isConsolePage(path)) {
      const html = await readFile(join(dir, 'index.html')).catch(() => null);
      const headers = { ...consoleHeaders(consoleConfigDocument(opts.config())), 'cache-control': 'no-cache' };
      if (!html) return { status: 503, headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' }, body: 'The console is not built yet: run `npm run build:web` (npm start builds it when it is missing).\n' };
      return { status: 200, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' }, body: html };
    }
    if (path.startsWith(CONSOLE_ASSETS_PREFIX)) {
      let rel: string;
      try {
        rel = decodeURIComponent(path.slice(CONSOLE_ASSETS_PREFIX.length));
      } catch {
        return null;
      }
      const file = normalize(join(assets, rel));
      if (!file.startsWith(assets) || rel.includes('\0')) return null;
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) return null;
      // file names carry a content hash (Vite), so a browser may keep them for good
      return {
        status: 200,
        headers: { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' },
        body: await readFile(file),
      };
    }
    return null;
  };
}
