import { section, setting, str, optStr, optUrl, url, int, bool } from '../../config/define.ts';
import { SecretValue } from '../../secret-value.ts';

/** The three OVHcloud regions, by the `endpoint` name the API uses, with their env prefix. */
export const OVH_ENDPOINTS = ['ovh-eu', 'ovh-ca', 'ovh-us'] as const;
export type OvhEndpoint = (typeof OVH_ENDPOINTS)[number];
export const OVH_ENV_PREFIX: Record<OvhEndpoint, string> = { 'ovh-eu': 'OVH_EU', 'ovh-ca': 'OVH_CA', 'ovh-us': 'OVH_US' };

const region = (prefix: 'OVH_EU' | 'OVH_CA' | 'OVH_US', label: string, authHost: string, apiUrl: string) => ({
  [`${prefix}_CLIENT_ID`]: setting(optStr(), `OVHcloud ${label} OAuth2 client id (created with POST /me/api/oauth2/client, flow AUTHORIZATION_CODE).`),
  [`${prefix}_CLIENT_SECRET`]: setting(optStr(), `OVHcloud ${label} OAuth2 client secret.`, { secret: true }),
  [`${prefix}_REDIRECT_URI`]: setting(
    optUrl(),
    `OVHcloud ${label} OAuth2 redirect URI, registered in the client's callbackUrls; must be HTTPS. Default: <BACKEND_URL>/ovh_api/ovh/oauth2/callback.`,
  ),
  [`${prefix}_AUTH_URL`]: setting(url(`${authHost}/auth/oauth2/authorize`), `OVHcloud ${label} OAuth2 authorize endpoint.`),
  [`${prefix}_TOKEN_URL`]: setting(url(`${authHost}/auth/oauth2/token`), `OVHcloud ${label} OAuth2 token endpoint.`),
  [`${prefix}_API_URL`]: setting(url(apiUrl), `OVHcloud ${label} API base URL.`),
});

const settings = {
  FEATURE_FLAG_OVH_ENABLED: setting(bool(false), 'Enable the OVH connector (its routes answer 404 while it is off).'),
  ...region('OVH_EU', 'EU', 'https://www.ovh.com', 'https://eu.api.ovh.com/1.0'),
  ...region('OVH_CA', 'CA', 'https://ca.ovh.com', 'https://ca.api.ovh.com/1.0'),
  ...region('OVH_US', 'US', 'https://us.ovhcloud.com', 'https://api.us.ovhcloud.com/1.0'),
  OVH_OAUTH_SCOPE: setting(str('all'), 'Scope requested in the OVHcloud OAuth2 authorization (space-separated).'),
  OVH_ALLOW_HTTP_REDIRECT: setting(
    bool(false),
    'Accept a plain-HTTP OVH redirect URI. Real OVHcloud refuses them; only the local simulator (`--simulate`) sets this.',
  ),
  OVH_REFRESH_SKEW_SECONDS: setting(int(300, 0, 86400), 'Refresh the OVH access token when it expires within this many seconds.'),
  OVH_HTTP_TIMEOUT_MS: setting(int(5000, 50, 60000), 'Timeout of one OVHcloud call in milliseconds (reads are retried on 429/5xx/timeouts).'),
  OVH_HTTP_ATTEMPTS: setting(int(3, 1, 10), 'Attempts per retryable OVHcloud call (1 = no retry).'),
};

export interface OvhRegionConfig {
  endpoint: OvhEndpoint;
  /** env prefix, so errors can name the settings to set */
  envPrefix: string;
  clientId?: string;
  clientSecret?: SecretValue<string>;
  redirectUri?: string;
  authUrl: string;
  tokenUrl: string;
  apiUrl: string;
}

export const ovhSection = section(settings, (v) => {
  const val = v as Record<string, unknown>;
  const regions = Object.fromEntries(
    OVH_ENDPOINTS.map((endpoint) => {
      const p = OVH_ENV_PREFIX[endpoint];
      const secret = val[`${p}_CLIENT_SECRET`] as string | undefined;
      const cfg: OvhRegionConfig = {
        endpoint,
        envPrefix: p,
        clientId: val[`${p}_CLIENT_ID`] as string | undefined,
        clientSecret: secret ? new SecretValue(secret) : undefined,
        redirectUri: val[`${p}_REDIRECT_URI`] as string | undefined,
        authUrl: val[`${p}_AUTH_URL`] as string,
        tokenUrl: val[`${p}_TOKEN_URL`] as string,
        apiUrl: val[`${p}_API_URL`] as string,
      };
      return [endpoint, cfg];
    }),
  ) as Record<OvhEndpoint, OvhRegionConfig>;
  return {
    regions,
    scope: v.OVH_OAUTH_SCOPE as string,
    allowHttpRedirect: v.OVH_ALLOW_HTTP_REDIRECT as boolean,
    refreshSkewSeconds: v.OVH_REFRESH_SKEW_SECONDS as number,
    timeoutMs: v.OVH_HTTP_TIMEOUT_MS as number,
    attempts: v.OVH_HTTP_ATTEMPTS as number,
  };
});
