import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../../deps.ts';
import { saveConnection } from '../../connections/service.ts';
import { finishOAuth, type CallbackInput, type CallbackOutcome, type OAuthCallbackHook, type OAuthFinish } from '../../oauth/flow.ts';
import { secret } from '../../secret-value.ts';
import { exchangeCode, getUser, type GithubTokens } from './adapter.ts';
import { github } from './definition.ts';
import { githubOAuth } from './oauth-start.ts';

/**
 * After consent: code (with its PKCE verifier) → token → GET /user → the connection. The account is
 * GitHub's numeric user id, which survives a rename; the login is the name shown.
 */
export const githubOAuthFinish: OAuthFinish<GithubTokens & { user?: Awaited<ReturnType<typeof getUser>> }> = {
  exchange: (d, _flow, grant) => exchangeCode(d.config.github, grant),
  async identify(d, _flow, tokens) {
    const user = await getUser(d.config.github, secret(tokens.access_token));
    tokens.user = user;
    return { accountId: user.id, accountName: user.login };
  },
  async complete(d, { userId, tokens, identity }) {
    const { user, ...doc } = tokens;
    await saveConnection(d, {
      userId,
      provider: 'github',
      accountId: identity.accountId,
      accountName: identity.accountName,
      metadata: { login: identity.accountName, name: user?.name ?? null, scopes: (user?.scopes ?? []).join(',') },
      secret: secret({ ...doc }),
    });
    return { login: github.login.success, account: identity.accountName };
  },
};

/** GET /github/callback (and GET /api/auth/github/callback). */
export const githubCallback = (d: Deps, input: CallbackInput): Promise<CallbackOutcome> => finishOAuth(d, githubOAuth, githubOAuthFinish, input);

/** GET /api/auth/github/callback through the generic route (lib/connectors/oauth.ts loads it by this name). */
export const oauthCallback: OAuthCallbackHook = githubCallback;
