import { section, setting, str, optStr, optUrl, url, int } from '../../config/define.ts';
import { SecretValue } from '../../secret-value.ts';

/**
 * GitHub's settings. The two base URLs are GitHub's two hosts: the web host serves the OAuth
 * consent page and the token endpoint (github.com, or a GitHub Enterprise Server host), the API
 * host the REST API (api.github.com, or https://<ghes-host>/api/v3).
 */
export const githubSection = section(
  {
    GH_OAUTH_CLIENT_ID: setting(optStr(), 'Client ID of the GitHub OAuth App (Settings → Developer settings → OAuth Apps).'),
    GH_OAUTH_CLIENT_SECRET: setting(optStr(), 'Client secret of the GitHub OAuth App; it also authenticates the grant revocation at disconnect.', { secret: true }),
    GITHUB_REDIRECT_URI: setting(optUrl(), "The OAuth App's Authorization callback URL. Default: <BACKEND_URL>/github/callback."),
    GITHUB_OAUTH_SCOPES: setting(str('repo read:org read:user'), 'Scopes requested at GitHub sign-in (space-separated; GitHub shows the granted ones in X-OAuth-Scopes).'),
    GITHUB_WEB_URL: setting(url('https://github.com'), 'GitHub web base URL: the OAuth authorize page and token endpoint live under <base>/login/oauth/ (a GitHub Enterprise Server host, or the local simulator).'),
    GITHUB_API_URL: setting(url('https://api.github.com'), 'GitHub REST API base URL (https://<host>/api/v3 on GitHub Enterprise Server, or the local simulator).'),
    GITHUB_HTTP_TIMEOUT_MS: setting(int(8000, 50, 60000), 'Timeout of one GitHub call in milliseconds (reads are retried on 429/5xx/timeouts).'),
    GITHUB_HTTP_ATTEMPTS: setting(int(3, 1, 10), 'Attempts per retryable GitHub call (1 = no retry).'),
  },
  (v) => ({
    clientId: v.GH_OAUTH_CLIENT_ID,
    clientSecret: v.GH_OAUTH_CLIENT_SECRET ? new SecretValue(v.GH_OAUTH_CLIENT_SECRET) : undefined,
    redirectUri: v.GITHUB_REDIRECT_URI,
    scopes: v.GITHUB_OAUTH_SCOPES,
    webUrl: v.GITHUB_WEB_URL,
    apiUrl: v.GITHUB_API_URL,
    timeoutMs: v.GITHUB_HTTP_TIMEOUT_MS,
    attempts: v.GITHUB_HTTP_ATTEMPTS,
  }),
);
