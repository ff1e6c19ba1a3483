import { section, setting, str, optStr, optUrl, url, int, bool } from '../../config/define.ts';
import { SecretValue } from '../../secret-value.ts';

/**
 * PagerDuty's settings. The REST API and the OAuth hosts are separate settings so an EU account
 * (api.eu.pagerduty.com, app.eu.pagerduty.com) and the local simulator both work.
 */
export const pagerdutySection = section(
  {
    PAGERDUTY_API_URL: setting(url('https://api.pagerduty.com'), 'PagerDuty REST API base URL (EU service region: https://api.eu.pagerduty.com).'),
    NEXT_PUBLIC_ENABLE_PAGERDUTY_OAUTH: setting(bool(false), 'Offer "Connect with PagerDuty" (OAuth); while off, /pagerduty/oauth/* answer 404 and only API tokens connect.'),
    PAGERDUTY_CLIENT_ID: setting(optStr(), 'PagerDuty OAuth app client id (Integrations → Developer Mode → My Apps, OAuth 2.0).'),
    PAGERDUTY_CLIENT_SECRET: setting(optStr(), 'PagerDuty OAuth app client secret.', { secret: true }),
    PAGERDUTY_REDIRECT_URI: setting(optUrl(), 'PagerDuty OAuth redirect URL registered with the app. Default: <BACKEND_URL>/pagerduty/oauth/callback.'),
    PAGERDUTY_OAUTH_AUTH_URL: setting(url('https://app.pagerduty.com/oauth/authorize'), 'PagerDuty OAuth authorize endpoint.'),
    PAGERDUTY_OAUTH_TOKEN_URL: setting(url('https://app.pagerduty.com/oauth/token'), 'PagerDuty OAuth token endpoint (code redemption and refresh).'),
    PAGERDUTY_OAUTH_REVOKE_URL: setting(url('https://app.pagerduty.com/oauth/revoke'), 'PagerDuty OAuth token revocation endpoint (called at disconnect).'),
    PAGERDUTY_OAUTH_SCOPE: setting(str('read write'), 'Scopes requested in the PagerDuty OAuth authorization (space-separated; write is needed to create webhook subscriptions).'),
    PAGERDUTY_REFRESH_SKEW_SECONDS: setting(int(300, 0, 86400), 'Refresh a PagerDuty OAuth access token when it expires within this many seconds.'),
    PAGERDUTY_HTTP_TIMEOUT_MS: setting(int(8000, 50, 60000), 'Timeout of one PagerDuty API call in milliseconds (reads are retried on 429/5xx/timeouts).'),
    PAGERDUTY_HTTP_ATTEMPTS: setting(int(3, 1, 10), 'Attempts per retryable PagerDuty API call (1 = no retry).'),
  },
  (v) => ({
    apiUrl: v.PAGERDUTY_API_URL.replace(/\/+$/, ''),
    oauthEnabled: v.NEXT_PUBLIC_ENABLE_PAGERDUTY_OAUTH,
    clientId: v.PAGERDUTY_CLIENT_ID,
    clientSecret: v.PAGERDUTY_CLIENT_SECRET ? new SecretValue(v.PAGERDUTY_CLIENT_SECRET) : undefined,
    redirectUri: v.PAGERDUTY_REDIRECT_URI,
    authUrl: v.PAGERDUTY_OAUTH_AUTH_URL,
    tokenUrl: v.PAGERDUTY_OAUTH_TOKEN_URL,
    revokeUrl: v.PAGERDUTY_OAUTH_REVOKE_URL,
    scope: v.PAGERDUTY_OAUTH_SCOPE,
    refreshSkewSeconds: v.PAGERDUTY_REFRESH_SKEW_SECONDS,
    timeoutMs: v.PAGERDUTY_HTTP_TIMEOUT_MS,
    attempts: v.PAGERDUTY_HTTP_ATTEMPTS,
  }),
);
