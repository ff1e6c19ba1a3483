import type { Deps } from '../../deps.ts';
import { saveConnection } from '../../connections/service.ts';
import { finishOAuth, type CallbackInput, type CallbackOutcome, type OAuthFinish } from '../../oauth/flow.ts';
import { tokenRequest } from '../../oauth/token.ts';
import { secret } from '../../secret-value.ts';
import { pagerdutyApi } from './adapter.ts';
import { pagerdutyOAuth, requireOAuthEnabled } from './oauth-start.ts';
import { storedTokens, tokenEndpoint, type PagerDutyTokens } from './tokens.ts';

/** After consent: code (with the PKCE verifier) → tokens → the account they reach → the connection. */
export const pagerdutyOAuthFinish: OAuthFinish<PagerDutyTokens> = {
  async exchange(d, _flow, grant) {
    const t = await tokenRequest(tokenEndpoint(d), {
      grant_type: 'authorization_code',
      code: grant.code,
      redirect_uri: grant.redirectUri,
      ...(grant.codeVerifier ? { code_verifier: grant.codeVerifier } : {}),
    });
    return storedTokens(t, d.now());
  },
  async identify(d, _flow, tokens) {
    const who = await pagerdutyApi(d.config.pagerduty, { kind: 'oauth', token: secret(tokens.access_token) }).account();
    return { accountId: who.subdomain, accountName: who.userEmail ? `${who.subdomain} (${who.userEmail})` : who.subdomain };
  },
  async complete(d, { userId, tokens, identity }) {
    await saveConnection(d, {
      userId,
      provider: 'pagerduty',
      accountId: identity.accountId,
      accountName: identity.accountName,
      metadata: { auth_method: 'oauth', subdomain: identity.accountId },
      secret: secret({ ...tokens }),
    });
    return { login: 'pagerduty_success', subdomain: identity.accountId };
  },
};

/** GET /pagerduty/oauth/callback. */
export function pagerdutyCallback(d: Deps, input: CallbackInput): Promise<CallbackOutcome> {
  requireOAuthEnabled(d);
  return finishOAuth(d, pagerdutyOAuth, pagerdutyOAuthFinish, input);
}
