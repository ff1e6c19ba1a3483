import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../../deps.ts';
import { saveConnection } from '../../connections/service.ts';
import { ProviderAuthError } from '../../errors.ts';
import { finishOAuth, type CallbackInput, type CallbackOutcome, type OAuthCallbackHook, type OAuthFinish } from '../../oauth/flow.ts';
import { tokenRequest } from '../../oauth/token.ts';
import { secret } from '../../secret-value.ts';
import { accessibleResources, cloudCurrentUser, confluenceSite, type AtlassianSite } from './adapter.ts';
import { confluence } from './definition.ts';
import { confluenceOAuth } from './oauth-start.ts';
import { storedTokens, tokenEndpoint, type ConfluenceTokens } from './tokens.ts';

type Tokens = ConfluenceTokens & { site?: AtlassianSite };

/**
 * After consent: code → tokens (JSON body, client secret) → accessible-resources, whose first
 * Confluence site gives the cloud id (the connection's account) and the site URL the seed's UI
 * "detects automatically" → the user on that site → the connection.
 */
export const confluenceOAuthFinish: OAuthFinish<Tokens> = {
  async exchange(d, _flow, grant) {
    return storedTokens(await tokenRequest(tokenEndpoint(d), { grant_type: 'authorization_code', code: grant.code, redirect_uri: grant.redirectUri }), d.now());
  },
  async identify(d, _flow, tokens) {
    const token = secret(tokens.access_token);
    const site = confluenceSite(await accessibleResources(d.config.confluence, token));
    if (!site) throw new ProviderAuthError(confluence.messages.noSite, { status: 403, code: 'no_confluence_site' });
    tokens.site = site;
    const user = await cloudCurrentUser(d.config.confluence, site.id, token);
    return { accountId: site.id, accountName: user.displayName ? `${site.name} (${user.displayName})` : site.name };
  },
  async complete(d, { userId, tokens, identity }) {
    const { site, ...stored } = tokens;
    await saveConnection(d, {
      userId,
      provider: 'confluence',
      accountId: identity.accountId,
      accountName: identity.accountName,
      metadata: { auth_type: 'oauth', cloud_id: identity.accountId, site_url: site!.url, site_name: site!.name },
      secret: secret({ ...stored }),
    });
    return { login: 'confluence_success', site_url: site!.url };
  },
};

/** GET /confluence/callback (and GET /api/auth/confluence/callback). */
export const confluenceCallback = (d: Deps, input: CallbackInput): Promise<CallbackOutcome> => finishOAuth(d, confluenceOAuth, confluenceOAuthFinish, input);
export const oauthCallback: OAuthCallbackHook = confluenceCallback;
