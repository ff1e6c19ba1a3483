import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../../deps.ts';
import { startOAuth, type OAuthStart, type OAuthStartHook, type StartedFlow } from '../../oauth/flow.ts';
import { slackApp } from './adapter.ts';
import { slack } from './definition.ts';

/** The Slack app's Redirect URL (the seed's `<backend>/slack/callback`). */
export const slackRedirectUri = (d: Deps) => d.config.slack.redirectUri ?? `${d.config.core.backendUrl}${slack.callbackPath}`;

/**
 * Slack as an OAuth connector (the flow: lib/oauth/flow.ts): OAuth v2 installing the app with the
 * seed's bot scopes (`scope`, comma-separated as Slack takes them; no user scopes), PKCE S256. The
 * state is the flow's single-use random state, never the user id the reference implementation sent.
 */
export const slackOAuth: OAuthStart = {
  provider: 'slack',
  pkce: true,
  client(d) {
    const app = slackApp(d.config.slack);
    return { clientId: app.clientId, clientSecret: app.clientSecret, authUrl: d.config.slack.webUrl + slack.paths.authorize, tokenUrl: d.config.slack.apiUrl + slack.paths.access, redirectUri: slackRedirectUri(d) };
  },
  authorize: (d) => ({ scope: d.config.slack.botScopes, user_scope: '' }),
};

/** POST /slack and GET /api/auth/slack. */
export const slackLogin = (d: Deps, userId: string): Promise<StartedFlow> => startOAuth(d, slackOAuth, userId);

/** GET /api/auth/slack (lib/connectors/oauth.ts loads it by this name). */
export const oauthStart: OAuthStartHook = (d, userId) => slackLogin(d, userId);
