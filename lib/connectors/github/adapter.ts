import type { Config } from '../../config.ts';
import { ConfigError, ProviderAuthError, ProviderUnavailableError } from '../../errors.ts';
import { isProviderFault, providerFetch, type ProviderResponse } from '../../provider-http.ts';
import { tokenRequest } from '../../oauth/token.ts';
import type { SecretValue } from '../../secret-value.ts';
import { github } from './definition.ts';

type GithubCfg = Config['github'];

/** The OAuth App, ready for the flow: both credentials set (the errors name the settings, never their values). */
export function oauthApp(cfg: GithubCfg): { clientId: string; clientSecret: SecretValue<string> } {
  if (!cfg.clientId || !cfg.clientSecret) throw new ConfigError(github.messages.notConfigured);
  return { clientId: cfg.clientId, clientSecret: cfg.clientSecret };
}

/** What we keep in the secret store: OAuth App tokens do not expire and have no refresh token. */
export interface GithubTokens {
  access_token: string;
  token_type?: string;
  /** the scopes GitHub granted, comma-separated as its token endpoint says them */
  scope?: string;
}

/**
 * Code → token at <web>/login/oauth/access_token (JSON asked for with Accept). GitHub answers a bad,
 * used or expired code with 200 and `error: bad_verification_code`, which lib/oauth/token.ts turns
 * into a refusal. Sent once: a code redeems once.
 */
export async function exchangeCode(cfg: GithubCfg, grant: { code: string; codeVerifier?: string; redirectUri: string }): Promise<GithubTokens> {
  const app = oauthApp(cfg);
  const t = await tokenRequest(
    { provider: 'GitHub', tokenUrl: cfg.webUrl + github.paths.token, clientId: app.clientId, clientSecret: app.clientSecret, timeoutMs: cfg.timeoutMs, attempts: 1 },
    { code: grant.code, redirect_uri: grant.redirectUri, ...(grant.codeVerifier ? { code_verifier: grant.codeVerifier } : {}) },
  );
  return { access_token: t.access_token, token_type: t.token_type, scope: t.scope };
}

export interface GithubUser {
  id: string;
  login: string;
  name: string | null;
  /** X-OAuth-Scopes: what the token may do now (a user can narrow it in GitHub's settings) */
  scopes: string[];
}

const apiHeaders = (token: SecretValue<string>) => ({ authorization: `Bearer ${token.reveal()}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'aurora-connectors' });

function fault(r: ProviderResponse, what: string): never {
  if (isProviderFault(r.status)) throw new ProviderUnavailableError(`GitHub is unavailable (HTTP ${r.status})`);
  throw new ProviderUnavailableError(`GitHub answered HTTP ${r.status} to ${what}`, { status: 502 });
}

/** GET /user with the token: who it belongs to, and its scopes. 401 is GitHub's "Bad credentials" (revoked, or never valid). */
export async function getUser(cfg: GithubCfg, token: SecretValue<string>): Promise<GithubUser> {
  const r = await providerFetch('GitHub', cfg.apiUrl + github.paths.user, { headers: apiHeaders(token) }, { timeoutMs: cfg.timeoutMs, attempts: cfg.attempts });
  if (r.status === 401) throw new ProviderAuthError(github.messages.tokenRefused, { status: 401, code: 'bad_credentials' });
  // 403 without rate-limit exhaustion is a token GitHub will not serve (an organisation's policy, SSO): a refusal too
  if (r.status === 403 && r.headers.get('x-ratelimit-remaining') !== '0') throw new ProviderAuthError('GitHub refused the stored token (HTTP 403); connect GitHub again', { status: 401, code: 'forbidden' });
  if (r.status !== 200) fault(r, 'GET /user');
  const u = r.json<{ id?: unknown; login?: unknown; name?: unknown }>();
  if ((typeof u.id !== 'number' && typeof u.id !== 'string') || typeof u.login !== 'string' || !u.login) throw new ProviderUnavailableError('GitHub /user named no account', { status: 502 });
  const scopes = (r.headers.get('x-oauth-scopes') ?? '').split(',').map((s) => s.trim()).filter(Boolean).sort();
  return { id: String(u.id), login: u.login, name: typeof u.name === 'string' && u.name ? u.name : null, scopes };
}

/**
 * DELETE /applications/{client_id}/grant: the user's whole authorization of the OAuth App goes,
 * every token of it included, so a disconnect leaves nothing usable at GitHub. Authenticated with
 * the app's own credentials (Basic); 404 means GitHub no longer knows the token (already revoked).
 */
export async function revokeGrant(cfg: GithubCfg, token: SecretValue<string>): Promise<void> {
  const app = oauthApp(cfg);
  const basic = Buffer.from(`${app.clientId}:${app.clientSecret.reveal()}`).toString('base64');
  const r = await providerFetch(
    'GitHub',
    cfg.apiUrl + github.paths.grant(app.clientId),
    { method: 'DELETE', headers: { authorization: `Basic ${basic}`, accept: 'application/vnd.github+json', 'content-type': 'application/json', 'user-agent': 'aurora-connectors' }, body: JSON.stringify({ access_token: token.reveal() }) },
    { timeoutMs: cfg.timeoutMs, attempts: cfg.attempts, idempotent: true },
  );
  if (r.status === 204 || r.status === 404) return;
  if (r.status === 401 || r.status === 403) throw new ProviderAuthError(`GitHub refused the OAuth App credentials for the grant revocation (HTTP ${r.status})`, { status: 502, code: 'revoke_refused' });
  fault(r, 'the grant revocation');
}
