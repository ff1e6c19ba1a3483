import type { Config } from '../../config.ts';
import type { OvhEndpoint, OvhRegionConfig } from './settings.ts';
import { ConfigError, ProviderAuthError, ProviderUnavailableError } from '../../errors.ts';
import { isProviderFault, providerFetch } from '../../provider-http.ts';
import { expiresAt, tokenRequest } from '../../oauth/token.ts';
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
 * The token endpoint, for the code exchange and refreshes, through the one OAuth token request
 * (lib/oauth/token.ts): invalid_grant (used, expired or revoked code/refresh token) and
 * invalid_client are answers (OAuthRefusal, a ProviderAuthError), not faults. A code exchange is
 * sent once (a code is single-use); a refresh is retried on 5xx/timeouts.
 */
async function ovhTokenRequest(cfg: OvhCfg, region: OvhRegion, form: Record<string, string>, nowMs: number, retry: boolean): Promise<OvhTokens> {
  const t = await tokenRequest(
    { provider: 'OVHcloud', tokenUrl: region.tokenUrl, clientId: region.clientId, clientSecret: region.clientSecret, timeoutMs: cfg.timeoutMs, attempts: retry ? cfg.attempts : 1 },
    form,
  );
  return { access_token: t.access_token, refresh_token: t.refresh_token, expires_at: expiresAt(t, nowMs), token_type: t.token_type, scope: t.scope };
}

export const exchangeCode = (cfg: OvhCfg, region: OvhRegion, code: string, codeVerifier: string | undefined, redirectUri: string, nowMs: number) =>
  ovhTokenRequest(cfg, region, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, ...(codeVerifier ? { code_verifier: codeVerifier } : {}) }, nowMs, false);

export const refreshTokens = (cfg: OvhCfg, region: OvhRegion, refreshToken: string, nowMs: number) =>
  ovhTokenRequest(cfg, region, { grant_type: 'refresh_token', refresh_token: refreshToken }, nowMs, true);

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
