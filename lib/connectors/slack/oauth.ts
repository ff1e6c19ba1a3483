import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../../deps.ts';
import { saveConnection } from '../../connections/service.ts';
import { finishOAuth, type CallbackInput, type CallbackOutcome, type OAuthCallbackHook, type OAuthFinish } from '../../oauth/flow.ts';
import { secret } from '../../secret-value.ts';
import { authTest, exchangeCode, type SlackIdentity, type SlackTokens } from './adapter.ts';
import { slack } from './definition.ts';
import { slackOAuth } from './oauth-start.ts';

type Flow = SlackTokens & { who?: SlackIdentity };

/**
 * After consent: code → bot token (oauth.v2.access) → auth.test, which says the workspace and the
 * bot user the token acts as → the connection, one per workspace.
 */
export const slackOAuthFinish: OAuthFinish<Flow> = {
  exchange: (d, _flow, grant) => exchangeCode(d.config.slack, grant),
  async identify(d, _flow, tokens) {
    tokens.who = await authTest(d.config.slack, secret(tokens.access_token));
    return { accountId: tokens.who.teamId, accountName: tokens.who.team };
  },
  async complete(d, { userId, tokens, identity }) {
    const { who, ...doc } = tokens;
    await saveConnection(d, {
      userId,
      provider: 'slack',
      accountId: identity.accountId,
      accountName: identity.accountName,
      metadata: { team: identity.accountName, bot_user: who?.botUser || null, bot_user_id: who?.botUserId || doc.bot_user_id || null, app_id: doc.app_id ?? null, scopes: doc.scope ?? null, url: who?.url ?? null },
      secret: secret({ ...doc }),
    });
    return { login: slack.login.success, team: identity.accountName };
  },
};

/** GET /slack/callback (and GET /api/auth/slack/callback). */
export const slackCallback = (d: Deps, input: CallbackInput): Promise<CallbackOutcome> => finishOAuth(d, slackOAuth, slackOAuthFinish, input);

/** GET /api/auth/slack/callback through the generic route (lib/connectors/oauth.ts loads it by this name). */
export const oauthCallback: OAuthCallbackHook = slackCallback;
