import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../../deps.ts';
import { ConfigError } from '../../errors.ts';
import type { OAuthClient, OAuthStart, OAuthStartHook } from '../../oauth/flow.ts';
import { startOAuth } from '../../oauth/flow.ts';
import { confluence } from './definition.ts';

export function atlassianClient(d: Deps): OAuthClient {
  const c = d.config.confluence;
  if (!c.clientId || !c.clientSecret) throw new ConfigError('Confluence Cloud OAuth is not configured: set CONFLUENCE_CLIENT_ID and CONFLUENCE_CLIENT_SECRET');
  return { clientId: c.clientId, clientSecret: c.clientSecret, authUrl: c.authUrl, tokenUrl: c.tokenUrl, redirectUri: c.redirectUri ?? `${d.config.core.backendUrl}${confluence.callbackPath}` };
}

/**
 * Confluence Cloud through Atlassian OAuth 2.0 (3LO), on the one flow (lib/oauth/flow.ts). Atlassian's
 * 3LO takes no PKCE parameters for confidential apps, so the code is bound by the state (single-use,
 * this user, this browser) and redeemed with the client secret. `audience` and `prompt=consent` are
 * what Atlassian's authorization URL requires.
 */
export const confluenceOAuth: OAuthStart = {
  provider: 'confluence',
  pkce: false,
  client: (d) => atlassianClient(d),
  authorize: (d) => ({ audience: 'api.atlassian.com', scope: d.config.confluence.scope, prompt: 'consent' }),
};

/** GET /api/auth/confluence (lib/connectors/oauth.ts loads it by this name); POST /confluence/connect {auth_type:"oauth"} starts the same flow. */
export const oauthStart: OAuthStartHook = (d, userId) => startOAuth(d, confluenceOAuth, userId);
