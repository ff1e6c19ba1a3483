import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../../deps.ts';
import { startOAuth, type OAuthStart, type OAuthStartHook, type StartedFlow } from '../../oauth/flow.ts';
import { oauthApp } from './adapter.ts';
import { github } from './definition.ts';

/** The OAuth App's Authorization callback URL (the seed's `<backend>/github/callback`). */
export const githubRedirectUri = (d: Deps) => d.config.github.redirectUri ?? `${d.config.core.backendUrl}${github.callbackPath}`;

/**
 * GitHub as an OAuth connector (the flow: lib/oauth/flow.ts): an OAuth App, a confidential client,
 * with PKCE S256, which GitHub's authorization server supports for OAuth Apps too.
 */
export const githubOAuth: OAuthStart = {
  provider: 'github',
  pkce: true,
  client(d) {
    const app = oauthApp(d.config.github);
    const base = d.config.github.webUrl;
    return { clientId: app.clientId, clientSecret: app.clientSecret, authUrl: base + github.paths.authorize, tokenUrl: base + github.paths.token, redirectUri: githubRedirectUri(d) };
  },
  // allow_signup=false: a user without a GitHub account has nothing to connect
  authorize: (d) => ({ scope: d.config.github.scopes, allow_signup: 'false' }),
};

/** POST /github/login and GET /api/auth/github. */
export const githubLogin = (d: Deps, userId: string): Promise<StartedFlow> => startOAuth(d, githubOAuth, userId);

/** GET /api/auth/github (lib/connectors/oauth.ts loads it by this name). */
export const oauthStart: OAuthStartHook = (d, userId) => githubLogin(d, userId);
