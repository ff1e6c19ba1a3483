import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../../deps.ts';
import { startOAuth, type OAuthStart, type OAuthStartHook, type StartedFlow } from '../../oauth/flow.ts';
import { secret } from '../../secret-value.ts';
import { requireClient } from './tokens.ts';

export const GCP_SCOPES = ['https://www.googleapis.com/auth/cloud-platform', 'https://www.googleapis.com/auth/userinfo.email', 'openid'];

/** The redirect URI registered with Google (`<backend>/callback`, as the README's GCP setup says). */
export const gcpRedirectUri = (d: Deps) => `${d.config.core.backendUrl}/callback`;

/**
 * Google as an OAuth connector (the flow: lib/oauth/flow.ts): a confidential web client with PKCE
 * S256, offline access with forced consent so Google returns a refresh token.
 */
export const gcpOAuth: OAuthStart = {
  provider: 'gcp',
  pkce: true,
  client(d) {
    const { clientId, clientSecret } = requireClient(d.config.gcp);
    return { clientId, clientSecret: secret(clientSecret), authUrl: d.config.gcp.authUrl, tokenUrl: d.config.gcp.tokenUrl, redirectUri: gcpRedirectUri(d) };
  },
  authorize: () => ({ scope: GCP_SCOPES.join(' '), access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' }),
};

/** POST /gcp/login and GET /api/auth/gcp: the consent URL, and the cookie binding the flow to this browser. */
export const gcpLogin = (d: Deps, userId: string): Promise<StartedFlow> => startOAuth(d, gcpOAuth, userId);

/** GET /api/auth/gcp (lib/connectors/oauth.ts loads it by this name). */
export const oauthStart: OAuthStartHook = (d, userId) => gcpLogin(d, userId);
