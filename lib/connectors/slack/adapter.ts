import type { Config } from '../../config.ts';
import { ConfigError, ProviderAuthError, ProviderUnavailableError } from '../../errors.ts';
import { isProviderFault, providerFetch } from '../../provider-http.ts';
import { tokenRequest } from '../../oauth/token.ts';
import { safeReason } from '../../oauth/errors.ts';
import type { SecretValue } from '../../secret-value.ts';
import { slack } from './definition.ts';

type SlackCfg = Config['slack'];

/** The Slack app, ready for the flow (the errors name the settings, never their values). */
export function slackApp(cfg: SlackCfg): { clientId: string; clientSecret: SecretValue<string> } {
  if (!cfg.clientId || !cfg.clientSecret) throw new ConfigError(slack.messages.notConfigured);
  return { clientId: cfg.clientId, clientSecret: cfg.clientSecret };
}

/** What we keep in the secret store: the bot token (no expiry unless the app turned token rotation on) and what names it. */
export interface SlackTokens {
  access_token: string;
  token_type?: string;
  scope?: string;
  bot_user_id?: string;
  app_id?: string;
  team_id?: string;
  team_name?: string;
}

/**
 * oauth.v2.access: code (with its PKCE verifier) → the bot token. Slack answers a refusal with 200
 * and `ok: false, error: invalid_code` (bad_client_secret, bad_redirect_uri...), which
 * lib/oauth/token.ts turns into a refusal. Sent once: a code redeems once.
 */
export async function exchangeCode(cfg: SlackCfg, grant: { code: string; codeVerifier?: string; redirectUri: string }): Promise<SlackTokens> {
  const app = slackApp(cfg);
  const t = await tokenRequest(
    { provider: 'Slack', tokenUrl: cfg.apiUrl + slack.paths.access, clientId: app.clientId, clientSecret: app.clientSecret, timeoutMs: cfg.timeoutMs, attempts: 1 },
    { code: grant.code, redirect_uri: grant.redirectUri, ...(grant.codeVerifier ? { code_verifier: grant.codeVerifier } : {}) },
  );
  const team = t.extra.team as { id?: unknown; name?: unknown } | undefined;
  return {
    access_token: t.access_token,
    token_type: t.token_type,
    scope: t.scope,
    bot_user_id: typeof t.extra.bot_user_id === 'string' ? t.extra.bot_user_id : undefined,
    app_id: typeof t.extra.app_id === 'string' ? t.extra.app_id : undefined,
    team_id: typeof team?.id === 'string' ? team.id : undefined,
    team_name: typeof team?.name === 'string' ? team.name : undefined,
  };
}

/** One Web API method with the bot token, as Slack takes them (POST, form body, bearer token); `ok: false` with a refusal error is a refusal. */
async function call<T extends Record<string, unknown>>(cfg: SlackCfg, method: string, token: SecretValue<string>, idempotent: boolean): Promise<T> {
  const r = await providerFetch(
    'Slack',
    cfg.apiUrl + method,
    { method: 'POST', headers: { authorization: `Bearer ${token.reveal()}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: '' },
    { timeoutMs: cfg.timeoutMs, attempts: cfg.attempts, idempotent },
  );
  if (isProviderFault(r.status)) throw new ProviderUnavailableError(`Slack is unavailable (HTTP ${r.status})`);
  if (r.status !== 200) throw new ProviderUnavailableError(`Slack answered HTTP ${r.status} to ${method.slice(1)}`, { status: 502 });
  let doc: Record<string, unknown>;
  try {
    doc = r.json<Record<string, unknown>>();
  } catch {
    throw new ProviderUnavailableError(`Slack answered ${method.slice(1)} with something other than JSON`, { status: 502 });
  }
  if (doc.ok === true) return doc as T;
  const error = safeReason(doc.error, 'unknown_error');
  if ((slack.refusedErrors as readonly string[]).includes(error)) throw new ProviderAuthError(slack.messages.refused(error), { status: 401, code: error });
  throw new ProviderUnavailableError(`Slack answered ${method.slice(1)} with error ${error}`, { status: 502 });
}

export interface SlackIdentity {
  teamId: string;
  team: string;
  /** the bot user's name and id */
  botUser: string;
  botUserId: string;
  url?: string;
}

/** auth.test: which workspace the token is for, and which bot user it acts as. */
export async function authTest(cfg: SlackCfg, token: SecretValue<string>): Promise<SlackIdentity> {
  const doc = await call<{ team_id?: unknown; team?: unknown; user?: unknown; user_id?: unknown; url?: unknown }>(cfg, slack.paths.authTest, token, true);
  if (typeof doc.team_id !== 'string' || !doc.team_id) throw new ProviderUnavailableError('Slack auth.test named no workspace', { status: 502 });
  return {
    teamId: doc.team_id,
    team: typeof doc.team === 'string' && doc.team ? doc.team : doc.team_id,
    botUser: typeof doc.user === 'string' ? doc.user : '',
    botUserId: typeof doc.user_id === 'string' ? doc.user_id : '',
    ...(typeof doc.url === 'string' ? { url: doc.url } : {}),
  };
}

/** auth.revoke: the bot token stops working (a token Slack no longer knows is already revoked). */
export async function revokeToken(cfg: SlackCfg, token: SecretValue<string>): Promise<void> {
  try {
    await call(cfg, slack.paths.revoke, token, true);
  } catch (e) {
    if (e instanceof ProviderAuthError) return;
    throw e;
  }
}
