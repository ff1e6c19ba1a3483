import type { Deps } from '../../deps.ts';
import { ConfigError, NotFoundError } from '../../errors.ts';
import { startOAuth, type OAuthClient, type OAuthStart, type StartedFlow } from '../../oauth/flow.ts';
import { pagerduty } from './definition.ts';

/** OAuth is an option of this connector behind its own flag: while it is off its routes do not exist. */
export function requireOAuthEnabled(d: Deps): void {
  if (!d.config.pagerduty.oauthEnabled) throw new NotFoundError(pagerduty.messages.oauthOff, { code: 'oauth_disabled' });
}

export function pagerdutyClient(d: Deps): OAuthClient {
  const c = d.config.pagerduty;
  if (!c.clientId || !c.clientSecret) throw new ConfigError('PagerDuty OAuth is not configured: set PAGERDUTY_CLIENT_ID and PAGERDUTY_CLIENT_SECRET');
  return { clientId: c.clientId, clientSecret: c.clientSecret, authUrl: c.authUrl, tokenUrl: c.tokenUrl, redirectUri: c.redirectUri ?? `${d.config.core.backendUrl}${pagerduty.callbackPath}` };
}

/**
 * PagerDuty as an OAuth connector (lib/oauth/flow.ts): one confidential client, PKCE S256 (PagerDuty
 * supports it), the state bound to the user and this browser.
 */
export const pagerdutyOAuth: OAuthStart = {
  provider: 'pagerduty',
  pkce: true,
  client: (d) => pagerdutyClient(d),
  authorize: (d) => ({ scope: d.config.pagerduty.scope }),
};

/** POST /pagerduty/oauth/login. */
export function pagerdutyLogin(d: Deps, userId: string): Promise<StartedFlow> {
  requireOAuthEnabled(d);
  return startOAuth(d, pagerdutyOAuth, userId);
}
