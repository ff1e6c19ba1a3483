import { section, setting, str, optStr, optUrl, url, int, bool } from '../../config/define.ts';
import { SecretValue } from '../../secret-value.ts';

/** The seed's bot token scopes (docs: Connectors → Slack → Bot Token Scopes). */
export const SLACK_BOT_SCOPES = ['chat:write', 'channels:read', 'channels:history', 'channels:join', 'app_mentions:read', 'users:read'] as const;

/**
 * Slack's settings. The web host serves the consent page (/oauth/v2/authorize), the API host the
 * Web API methods (oauth.v2.access, auth.test, auth.revoke): slack.com, or GovSlack's slack-gov.com.
 */
export const slackSection = section(
  {
    FEATURE_FLAG_SLACK_ENABLED: setting(bool(false), 'Enable the Slack connector (its routes answer 404 while it is off). Also read as NEXT_PUBLIC_ENABLE_SLACK, the seed\'s name.', { aliases: ['NEXT_PUBLIC_ENABLE_SLACK'] }),
    SLACK_CLIENT_ID: setting(optStr(), 'Client ID of the Slack app (Basic Information → App Credentials).'),
    SLACK_CLIENT_SECRET: setting(optStr(), 'Client secret of the Slack app.', { secret: true }),
    SLACK_SIGNING_SECRET: setting(optStr(), 'Signing secret of the Slack app: POST /slack/events verifies the v0 signature of every request with it.', { secret: true }),
    SLACK_REDIRECT_URI: setting(optUrl(), "The Slack app's Redirect URL (OAuth & Permissions). Default: <BACKEND_URL>/slack/callback."),
    SLACK_BOT_SCOPES: setting(str(SLACK_BOT_SCOPES.join(',')), 'Bot token scopes requested at install (comma-separated).'),
    SLACK_WEB_URL: setting(url('https://slack.com'), 'Slack web base URL: the consent page is <base>/oauth/v2/authorize (https://slack-gov.com for GovSlack, or the local simulator).'),
    SLACK_API_URL: setting(url('https://slack.com/api'), 'Slack Web API base URL (https://slack-gov.com/api for GovSlack, or the local simulator).'),
    SLACK_EVENTS_REPLAY_WINDOW_SECONDS: setting(int(300, 30, 3600), 'POST /slack/events refuses a request whose X-Slack-Request-Timestamp is further than this from now (Slack recommends 5 minutes).'),
    SLACK_HTTP_TIMEOUT_MS: setting(int(8000, 50, 60000), 'Timeout of one Slack API call in milliseconds (reads are retried on 429/5xx/timeouts).'),
    SLACK_HTTP_ATTEMPTS: setting(int(3, 1, 10), 'Attempts per retryable Slack API call (1 = no retry).'),
  },
  (v) => ({
    clientId: v.SLACK_CLIENT_ID,
    clientSecret: v.SLACK_CLIENT_SECRET ? new SecretValue(v.SLACK_CLIENT_SECRET) : undefined,
    signingSecret: v.SLACK_SIGNING_SECRET ? new SecretValue(v.SLACK_SIGNING_SECRET) : undefined,
    redirectUri: v.SLACK_REDIRECT_URI,
    botScopes: v.SLACK_BOT_SCOPES.split(/[\s,]+/).filter(Boolean).join(','),
    webUrl: v.SLACK_WEB_URL,
    apiUrl: v.SLACK_API_URL,
    replayWindowMs: v.SLACK_EVENTS_REPLAY_WINDOW_SECONDS * 1000,
    timeoutMs: v.SLACK_HTTP_TIMEOUT_MS,
    attempts: v.SLACK_HTTP_ATTEMPTS,
  }),
);
