import type { Deps } from '../../deps.ts';
import { createOAuthState } from '../../oauth/state.ts';
import { requireClient } from './tokens.ts';

export const GCP_SCOPES = ['https://www.googleapis.com/auth/cloud-platform', 'https://www.googleapis.com/auth/userinfo.email', 'openid'];

/** The redirect URI registered with Google (`<backend>/callback`, as the README's GCP setup says). */
export const gcpRedirectUri = (d: Deps) => `${d.config.core.backendUrl}/callback`;

/**
 * The Google consent URL for this user: offline access with forced consent (so Google returns a
 * refresh token), a random single-use state bound to the user (10 minutes), PKCE S256.
 */
export async function gcpLoginUrl(d: Deps, userId: string): Promise<string> {
  const cfg = d.config.gcp;
  const { clientId } = requireClient(cfg);
  const redirectUri = gcpRedirectUri(d);
  const st = await createOAuthState(d.db, { userId, provider: 'gcp', redirectUri }, d.now());
  const url = new URL(cfg.authUrl);
  url.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: GCP_SCOPES.join(' '),
    access_type: 'offline',
    prompt: 'consent',
    include_granted_scopes: 'true',
    state: st.state,
    code_challenge: st.codeChallenge,
    code_challenge_method: st.codeChallengeMethod,
  }).toString();
  return url.toString();
}

/** The name the generated OAuth loader map looks for (lib/connectors/generated/loaders.ts). */
export const oauthStart = gcpLoginUrl;
