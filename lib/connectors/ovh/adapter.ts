import type { Config } from '../../config.ts';
import type { OvhEndpoint, OvhRegionConfig } from './settings.ts';
import { ConfigError, ProviderAuthError, ProviderUnavailableError } from '../../errors.ts';
import { isProviderFault, providerFetch, type RetryOptions } from '../../provider-http.ts';
import { SecretValue } from '../../secret-value.ts';
import { ovh } from './definition.ts';

type OvhCfg = Config['ovh'];

export interface OvhRegion extends OvhRegionConfig {
  clientId: string;
  clientSecret: SecretValue<string>;
  redirectUri: string;
}

/**
 * A region ready for OAuth: client credentials set, redirect URI known and HTTPS (OVHcloud refuses
 * anything else; only the local simulator, which sets OVH_ALLOW_HTTP_REDIRECT, takes plain HTTP).
 * The errors name the settings to change, never their values.
 */
export function oauthRegion(cfg: OvhCfg, backendUrl: string, endpoint: OvhEndpoint): OvhRegion {
  const r = cfg.regions[endpoint];
  if (!r.clientId || !r.clientSecret) {
    throw new ConfigError(`OAuth2 credentials not configured for ${endpoint}: set ${r.envPrefix}_CLIENT_ID and ${r.envPrefix}_CLIENT_SECRET`);
  }
  const redirectUri = r.redirectUri ?? `${backendUrl}${ovh.callbackPath}`;
  if (new URL(redirectUri).protocol !== 'https:' && !cfg.allowHttpRedirect) {
    const source = r.redirectUri ? `${r.envPrefix}_REDIRECT_URI` : `BACKEND_URL (${r.envPrefix}_REDIRECT_URI is unset)`;
    throw new ConfigError(
      `OVH only accepts HTTPS redirect URIs, but the ${endpoint} redirect URI from ${source} is ${redirectUri}. ` +
        `Set ${r.envPrefix}_REDIRECT_URI to an https:// URL ending in ${ovh.callbackPath} (locally: an ngrok or cloudflared tunnel to this service) and register it in the OAuth2 client's callbackUrls.`,
    );
  }
  return { ...r, clientId: r.clientId, clientSecret: r.clientSecret, redirectUri };
}

export function authorizationUrl(cfg: OvhCfg, region: OvhRegion, p: { state: string; codeChallenge: string }): string {
  const url = new URL(region.authUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: region.clientId,
    redirect_uri: region.redirectUri,
    scope: cfg.scope,
    state: p.state,
    code_challenge: p.codeChallenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

/** What we keep in the secret store for a connection. */
export interface OvhTokens {
  access_token: string;
  refresh_token?: string;
  /** epoch milliseconds */
  expires_at: number;
  token_type?: string;
  scope?: string;
}

/**
 * The token endpoint, for the code exchange and refreshes. invalid_grant (used, expired or revoked
 * code/refresh token) and invalid_client are answers, not faults. A code exchange is sent once
 * (a code is single-use); a refresh is retried on 5xx/timeouts.
 */
async function tokenRequest(cfg: OvhCfg, region: OvhRegion, form: Record<string, string>, nowMs: number, retry: boolean): Promise<OvhTokens> {
  const opts: RetryOptions = { timeoutMs: cfg.timeoutMs, attempts: retry ? cfg.attempts : 1, idempotent: retry };
  const r = await providerFetch(
    'OVHcloud',
    region.tokenUrl,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ ...form, client_id: region.clientId, client_secret: region.clientSecret.reveal() }).toString(),
    },
    opts,
  );
  if (r.status === 400 || r.status === 401) {
    let error = 'invalid_request';
    try {
      const e = (r.json<{ error?: unknown }>()).error;
      if (typeof e === 'string' && ovh.providerErrorPattern.test(e)) error = e;
    } catch {
      /* an error page that is not JSON: keep the generic code */
    }
    throw new ProviderAuthError(`OVHcloud refused the token request (${error})`, { status: 401, code: error === 'invalid_client' ? 'invalid_client' : 'invalid_grant' });
  }
  if (isProviderFault(r.status)) throw new ProviderUnavailableError(`OVHcloud is unavailable (HTTP ${r.status})`);
  if (r.status !== 200) throw new ProviderUnavailableError(`OVHcloud answered HTTP ${r.status} to the token request`, { status: 502 });
  const body = r.json<{ access_token?: string; refresh_token?: string; expires_in?: number; token_type?: string; scope?: string }>();
  if (typeof body.access_token !== 'string' || !body.access_token) throw new ProviderUnavailableError('OVHcloud returned no access token', { status: 502 });
  return {
    access_token: body.access_token,
    refresh_token: body.refresh_token,
    expires_at: nowMs + (Number(body.expires_in) > 0 ? Number(body.expires_in) : 3600) * 1000,
    token_type: body.token_type,
    scope: body.scope,
  };
}

export const exchangeCode = (cfg: OvhCfg, region: OvhRegion, code: string, codeVerifier: string, redirectUri: string, nowMs: number) =>
  tokenRequest(cfg, region, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier }, nowMs, false);

export const refreshTokens = (cfg: OvhCfg, region: OvhRegion, refreshToken: string, nowMs: number) =>
  tokenRequest(cfg, region, { grant_type: 'refresh_token', refresh_token: refreshToken }, nowMs, true);

async function apiGet<T>(cfg: OvhCfg, region: OvhRegionConfig, path: string, token: SecretValue<string>): Promise<T> {
  const r = await providerFetch(
    'OVHcloud',
    region.apiUrl + path,
    { headers: { authorization: `Bearer ${token.reveal()}`, accept: 'application/json' } },
    { timeoutMs: cfg.timeoutMs, attempts: cfg.attempts },
  );
  if (r.status === 401 || r.status === 403) throw new ProviderAuthError(`OVHcloud refused the access token (HTTP ${r.status})`, { status: 401 });
  if (isProviderFault(r.status)) throw new ProviderUnavailableError(`OVHcloud is unavailable (HTTP ${r.status})`);
  if (r.status !== 200) throw new ProviderUnavailableError(`OVHcloud answered HTTP ${r.status} to GET ${path}`, { status: 502 });
  return r.json<T>();
}

export interface OvhMe {
  nichandle: string;
  firstname?: string;
  name?: string;
  organisation?: string;
}

export async function getMe(cfg: OvhCfg, region: OvhRegionConfig, token: SecretValue<string>): Promise<OvhMe> {
  const me = await apiGet<Partial<OvhMe>>(cfg, region, ovh.paths.me, token);
  if (typeof me.nichandle !== 'string' || !me.nichandle) throw new ProviderUnavailableError('OVHcloud /me returned no nichandle', { status: 502 });
  return me as OvhMe;
}

export async function listCloudProjects(cfg: OvhCfg, region: OvhRegionConfig, token: SecretValue<string>): Promise<string[]> {
  const ids = await apiGet<unknown>(cfg, region, ovh.paths.cloudProjects, token);
  return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
}
