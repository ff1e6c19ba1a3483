import type { ConsoleConfig } from '../pages.ts';
import { CONSOLE_PAGES } from '../pages.ts';

/**
 * Who the console acts for. Trusted-header mode (local): the user typed in "Signed in as" (or
 * ?user= in the URL), sent as X-User-ID. JWT mode (deployed): the user signed in at the OIDC
 * issuer the API's JWT authorizer trusts (authorization code + PKCE, oidc-client-ts, loaded only
 * in this mode), sent as a bearer token.
 */
export type Identity =
  | { mode: 'trusted-header'; user: string; headers(): Record<string, string> }
  | {
      mode: 'jwt';
      /** the signed-in user's name as the issuer tells it; null when nobody is signed in */
      user: string | null;
      headers(): Record<string, string>;
      signIn(): Promise<void>;
      signOut(): Promise<void>;
    };

const USER_KEY = 'aurora-console.user';
export const DEFAULT_USER = 'local-user';

/** The trusted-header user: ?user= wins (and is remembered), then the remembered one, then local-user. */
export function trustedUser(): string {
  const fromUrl = new URLSearchParams(location.search).get('user')?.trim();
  if (fromUrl) {
    localStorage.setItem(USER_KEY, fromUrl);
    return fromUrl;
  }
  return localStorage.getItem(USER_KEY)?.trim() || DEFAULT_USER;
}

export function rememberUser(user: string): void {
  localStorage.setItem(USER_KEY, user);
  const url = new URL(location.href);
  url.searchParams.set('user', user);
  history.replaceState(null, '', url.pathname + url.search + url.hash);
}

export function trustedIdentity(user: string): Identity {
  return { mode: 'trusted-header', user, headers: () => ({ 'x-user-id': user }) };
}

/**
 * JWT mode. On the sign-in callback page it completes the code exchange (PKCE verifier from
 * session storage) and returns to the page the user started from.
 */
export async function oidcIdentity(oidc: NonNullable<ConsoleConfig['oidc']>): Promise<{ identity: Identity; returnTo?: string }> {
  const { UserManager, WebStorageStateStore } = await import('oidc-client-ts');
  const manager = new UserManager({
    authority: oidc.issuer,
    client_id: oidc.client_id,
    redirect_uri: `${location.origin}${CONSOLE_PAGES.signinCallback}`,
    post_logout_redirect_uri: `${location.origin}${CONSOLE_PAGES.home}`,
    response_type: 'code',
    scope: oidc.scope,
    // no hidden iframes (the page forbids framing); an expired session signs in again
    automaticSilentRenew: false,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
  let returnTo: string | undefined;
  if (location.pathname === CONSOLE_PAGES.signinCallback) {
    const signedIn = await manager.signinRedirectCallback();
    const state = signedIn.state as { returnTo?: string } | undefined;
    returnTo = state?.returnTo?.startsWith('/') && !state.returnTo.startsWith('//') ? state.returnTo : CONSOLE_PAGES.connectors;
  }
  let user = await manager.getUser();
  if (user?.expired) {
    await manager.removeUser();
    user = null;
  }
  const profile = user?.profile;
  const name = profile ? String(profile.email ?? profile.preferred_username ?? profile.name ?? profile.sub) : null;
  const token = user?.access_token;
  return {
    returnTo,
    identity: {
      mode: 'jwt',
      user: name,
      headers: (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {}),
      signIn: () => manager.signinRedirect({ state: { returnTo: location.pathname + location.search } }),
      signOut: async () => {
        await manager.removeUser();
        location.assign(CONSOLE_PAGES.home);
      },
    },
  };
}
