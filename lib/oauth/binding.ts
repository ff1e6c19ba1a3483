import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Binds an OAuth flow to the browser that started it. The login response sets an HttpOnly,
 * SameSite=Lax cookie holding a random nonce; the state item keeps only its hash. The callback
 * must bring the cookie back: a consent link handed to someone else (Mallory's login URL, opened
 * by a victim) arrives without it, and nothing is stored.
 *
 * Lax, because the callback is a top-level navigation from the provider's site: Strict would drop
 * the cookie there. HttpOnly, because no script needs it. Secure when the API is served over
 * https (BACKEND_URL). One cookie per flow, named after the state, so two logins started in two
 * tabs of one browser do not overwrite each other; each lives as long as its state.
 *
 * The frontend must call the login routes with `credentials: 'include'`, and deployed, the API
 * and the frontend must be on one site (a custom API domain under the frontend's registrable
 * domain): browsers that block third-party cookies would otherwise never store it (README).
 */
export const BINDING_COOKIE_PREFIX = 'aurora_oauth_';

const sha256 = (v: string) => createHash('sha256').update(v).digest('base64url');

export function newBinding(): { nonce: string; hash: string } {
  const nonce = randomBytes(32).toString('base64url');
  return { nonce, hash: sha256(nonce) };
}

/** The cookie name of one flow: derived from its state, so the callback knows which cookie to read. */
export function bindingCookieName(state: string): string {
  return `${BINDING_COOKIE_PREFIX}${sha256(`binding:${state}`).slice(0, 22)}`;
}

function attributes(secure: boolean, maxAgeSeconds: number): string {
  return `Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

export const isHttps = (backendUrl: string): boolean => new URL(backendUrl).protocol === 'https:';

/** Set-Cookie value that gives the starting browser its nonce. */
export function bindingCookie(state: string, nonce: string, opts: { secure: boolean; maxAgeSeconds: number }): string {
  return `${bindingCookieName(state)}=${nonce}; ${attributes(opts.secure, opts.maxAgeSeconds)}`;
}

/** Set-Cookie value that removes a flow's cookie (the state is spent whatever the outcome). */
export function clearBindingCookie(state: string, opts: { secure: boolean }): string {
  return `${bindingCookieName(state)}=; ${attributes(opts.secure, 0)}`;
}

/** A cookie's value from the request's cookie list (API Gateway payload v2 `cookies`: "name=value" each). */
export function readCookie(cookies: readonly string[] | undefined, name: string): string | undefined {
  for (const c of cookies ?? []) {
    for (const part of c.split(/;\s*/)) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
    }
  }
  return undefined;
}

/** Does the browser's nonce match the hash kept with the state? Constant time; a missing side never matches. */
export function bindingMatches(nonce: string | undefined, hash: string | undefined): boolean {
  if (!nonce || !hash || nonce.length > 128) return false;
  const a = Buffer.from(sha256(nonce));
  const b = Buffer.from(hash);
  return a.length === b.length && timingSafeEqual(a, b);
}
