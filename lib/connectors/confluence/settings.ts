import { section, setting, str, optStr, optUrl, url, int, bool } from '../../config/define.ts';
import { SecretValue } from '../../secret-value.ts';

/**
 * Confluence's settings: the Atlassian OAuth 2.0 (3LO) app for Cloud and the hosts it talks to
 * (each a setting, so a proxy or the local simulator works). Data Center instances are the user's
 * own: their base URL comes with the connect request, not from here.
 */
export const confluenceSection = section(
  {
    CONFLUENCE_CLIENT_ID: setting(optStr(), 'Atlassian OAuth 2.0 (3LO) app client id for Confluence Cloud (developer.atlassian.com → My apps → Settings).'),
    CONFLUENCE_CLIENT_SECRET: setting(optStr(), 'Atlassian OAuth 2.0 (3LO) app client secret.', { secret: true }),
    CONFLUENCE_REDIRECT_URI: setting(optUrl(), 'Callback URL registered with the Atlassian app (Authorization → Callback URL). Default: <BACKEND_URL>/confluence/callback.'),
    CONFLUENCE_OAUTH_SCOPE: setting(
      str('read:page:confluence read:space:confluence read:user:confluence offline_access'),
      'Scopes asked of Atlassian (space-separated): the seed\'s Confluence scopes, and offline_access for a refresh token.',
    ),
    ATLASSIAN_AUTH_URL: setting(url('https://auth.atlassian.com/authorize'), 'Atlassian OAuth 2.0 authorize endpoint.'),
    ATLASSIAN_TOKEN_URL: setting(url('https://auth.atlassian.com/oauth/token'), 'Atlassian OAuth 2.0 token endpoint (code redemption and rotating refresh).'),
    ATLASSIAN_API_URL: setting(url('https://api.atlassian.com'), 'Atlassian API gateway: accessible-resources, and Confluence Cloud under /ex/confluence/<cloud id>.'),
    CONFLUENCE_REFRESH_SKEW_SECONDS: setting(int(300, 0, 3000), 'Refresh a Confluence Cloud access token when it expires within this many seconds (Atlassian tokens last an hour).'),
    CONFLUENCE_DC_ALLOW_HTTP: setting(bool(false), 'Accept a plain-HTTP Confluence Data Center base URL (the PAT would travel unencrypted); only the local simulator (`--simulate`) sets this.'),
    CONFLUENCE_HTTP_TIMEOUT_MS: setting(int(8000, 50, 60000), 'Timeout of one Atlassian or Confluence call in milliseconds (reads are retried on 429/5xx/timeouts).'),
    CONFLUENCE_HTTP_ATTEMPTS: setting(int(3, 1, 10), 'Attempts per retryable Atlassian or Confluence call (1 = no retry).'),
  },
  (v) => ({
    clientId: v.CONFLUENCE_CLIENT_ID,
    clientSecret: v.CONFLUENCE_CLIENT_SECRET ? new SecretValue(v.CONFLUENCE_CLIENT_SECRET) : undefined,
    redirectUri: v.CONFLUENCE_REDIRECT_URI,
    scope: v.CONFLUENCE_OAUTH_SCOPE,
    authUrl: v.ATLASSIAN_AUTH_URL,
    tokenUrl: v.ATLASSIAN_TOKEN_URL,
    apiUrl: v.ATLASSIAN_API_URL,
    refreshSkewSeconds: v.CONFLUENCE_REFRESH_SKEW_SECONDS,
    allowHttp: v.CONFLUENCE_DC_ALLOW_HTTP,
    timeoutMs: v.CONFLUENCE_HTTP_TIMEOUT_MS,
    attempts: v.CONFLUENCE_HTTP_ATTEMPTS,
  }),
);
