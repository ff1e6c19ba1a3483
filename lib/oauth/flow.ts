import type { Deps } from '../deps.ts';
import { AppError, ConfigError, ProviderAuthError, ProviderUnavailableError } from '../errors.ts';
import { log } from '../log.ts';
import type { SecretValue } from '../secret-value.ts';
import { bindingCookie, bindingCookieName, bindingMatches, clearBindingCookie, isHttps, readCookie } from './binding.ts';
import { OAuthRefusal, safeReason } from './errors.ts';
import { consumeOAuthState, createOAuthState, STATE_TTL_SECONDS } from './state.ts';

/**
 * The one authorization-code flow (RFC 6749 §4.1, with PKCE where the provider supports it) for
 * every OAuth connector. A connector says how to reach its provider and what to do with the
 * tokens; everything that decides whether a callback may store anything lives here, once:
 * single-use state bound to the user and the browser, PKCE, expiry, the redirect URI kept with
 * the state, and one answer for every bad callback.
 *
 * A browser lands on the callback, so every outcome is a 302 to the frontend (FRONTURL): success
 * with the connector's parameters, failure with `login=<provider>_failed&reason=<code>` (plus the
 * legacy parameters the seed frontends read, e.g. OVH's `error=`). Reasons the flow itself gives:
 * invalid_state (missing, unknown, used, expired or another provider's), session_mismatch (the
 * browser did not start this flow), missing_code, the provider's own `error` (access_denied...),
 * a refusal of the code (invalid_grant...), provider_unavailable, not_configured.
 */

/** How the flow reaches one provider for one login (per region for OVH, per site for others). */
export interface OAuthClient {
  clientId: string;
  /** confidential clients (every connector today); a public client relies on PKCE alone */
  clientSecret?: SecretValue<string>;
  authUrl: string;
  tokenUrl: string;
  redirectUri: string;
}

export interface OAuthIdentity {
  /** the connection's account id: an email, a nichandle, a workspace id */
  accountId: string;
  accountName: string;
}

/** The start side of a connector: light, it is in every login function's bundle. */
export interface OAuthStart {
  /** connector id: the state is bound to it, and failures read `<provider>_failed` */
  provider: string;
  /** PKCE S256 (whenever the provider supports it; confidential clients without it rely on their secret) */
  pkce: boolean;
  /** query parameters of the frontend redirect that repeat the reason, for frontends of the seed (OVH: ["error"]) */
  legacyReasonParams?: readonly string[];
  /** the client for this login; `region` is what the start chose (OVH endpoint), kept with the state */
  client(d: Deps, region: string | undefined): OAuthClient;
  /** consent URL parameters besides client_id, redirect_uri, response_type, state and PKCE (scope, prompt, audience...) */
  authorize(d: Deps, client: OAuthClient, region: string | undefined): Record<string, string>;
}

/** Which client a callback redeems with: the one of the region its state was started for. */
export interface FlowContext {
  client: OAuthClient;
  region?: string;
}

/** The callback side: token exchange, who the tokens belong to, and what connecting means. */
export interface OAuthFinish<T> {
  /** code → tokens (lib/oauth/token.ts does the RFC 6749 request); a refusal throws OAuthRefusal */
  exchange(d: Deps, flow: FlowContext, grant: { code: string; codeVerifier?: string; redirectUri: string }): Promise<T>;
  /** tokens → the account they belong to */
  identify(d: Deps, flow: FlowContext, tokens: T): Promise<OAuthIdentity>;
  /** store the connection (and start whatever follows); returns the success redirect's parameters */
  complete(d: Deps, flow: FlowContext & { userId: string; tokens: T; identity: OAuthIdentity }): Promise<Record<string, string>>;
}

export interface StartedFlow {
  url: string;
  state: string;
  /** Set-Cookie for the starting browser */
  cookie: string;
}

export interface CallbackInput {
  query: { code?: string; state?: string; error?: string };
  /** the caller, when the callback request carries an identity: it must be the starter */
  principal: { userId: string } | null;
  /** the request's cookies (API Gateway payload v2 `cookies`) */
  cookies?: readonly string[];
}

export interface CallbackOutcome {
  location: string;
  /** Set-Cookie values (the flow's cookie, cleared) */
  cookies: string[];
}

/** A connector's entry for GET /api/auth/{provider} (`oauthStart` in its folder): query parameters such as OVH's endpoint. */
export type OAuthStartHook = (d: Deps, userId: string, query: Record<string, string | undefined>) => Promise<StartedFlow>;
/** A connector's entry for GET /api/auth/{provider}/callback (`oauthCallback` in its folder). */
export type OAuthCallbackHook = (d: Deps, input: CallbackInput) => Promise<CallbackOutcome>;

/** The provider's consent URL for one flow. */
export function authorizationUrl(d: Deps, start: OAuthStart, client: OAuthClient, region: string | undefined, st: { state: string; codeChallenge: string }): string {
  const url = new URL(client.authUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    ...start.authorize(d, client, region),
    state: st.state,
    ...(start.pkce ? { code_challenge: st.codeChallenge, code_challenge_method: 'S256' } : {}),
  }).toString();
  return url.toString();
}

/** The consent URL for `userId`, and the cookie that binds the flow to this browser. */
export async function startOAuth(d: Deps, start: OAuthStart, userId: string, region?: string): Promise<StartedFlow> {
  const client = start.client(d, region);
  const st = await createOAuthState(d.db, { userId, provider: start.provider, redirectUri: client.redirectUri, region, pkce: start.pkce }, d.now());
  const cookie = bindingCookie(st.state, st.nonce, { secure: isHttps(d.config.core.backendUrl), maxAgeSeconds: STATE_TTL_SECONDS });
  return { url: authorizationUrl(d, start, client, region, st), state: st.state, cookie };
}

/** FRONTURL with these parameters. */
export function frontendRedirect(d: Deps, params: Record<string, string>): string {
  const url = new URL(d.config.core.frontUrl);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

function failure(d: Deps, start: OAuthStart, reason: string): string {
  const params: Record<string, string> = { login: `${start.provider}_failed`, reason };
  for (const p of start.legacyReasonParams ?? []) params[p] = reason;
  return frontendRedirect(d, params);
}

/** The reason a failed exchange, identification or completion gives the frontend. */
function reasonOf(e: AppError): string {
  if (e instanceof OAuthRefusal) return e.reason;
  if (e instanceof ConfigError) return 'not_configured';
  if (e instanceof ProviderUnavailableError) return 'provider_unavailable';
  if (e instanceof ProviderAuthError) return safeReason(e.code, 'provider_refused');
  return 'oauth_error';
}

/**
 * The callback. The state is consumed first, whatever else the request says, so it can never be
 * replayed; then it must be this provider's, unexpired, the caller's own (when the request carries
 * an identity) and started by this browser. Only then is the code redeemed. Nothing is stored
 * unless every step succeeded.
 */
export async function finishOAuth<T>(d: Deps, start: OAuthStart, finish: OAuthFinish<T>, input: CallbackInput): Promise<CallbackOutcome> {
  const { query: q } = input;
  const secure = isHttps(d.config.core.backendUrl);
  const cookies = q.state ? [clearBindingCookie(q.state, { secure })] : [];
  const fail = (reason: string, why?: Record<string, unknown>) => {
    log.warn('oauth callback refused', { provider: start.provider, reason, ...why });
    return { location: failure(d, start, reason), cookies };
  };
  const consumed = await consumeOAuthState(d.db, q.state, start.provider, d.now());
  if (!consumed.ok) return fail('invalid_state', { state: consumed.reason });
  const rec = consumed.record;
  if (input.principal && input.principal.userId !== rec.userId) return fail('invalid_state', { state: 'of another user' });
  if (!bindingMatches(readCookie(input.cookies, bindingCookieName(q.state!)), rec.bindingHash)) return fail('session_mismatch');
  if (q.error) return fail(safeReason(q.error, 'provider_error'));
  if (!q.code) return fail('missing_code');
  try {
    const flow: FlowContext = { client: start.client(d, rec.region), region: rec.region };
    const tokens = await finish.exchange(d, flow, { code: q.code, codeVerifier: rec.codeVerifier, redirectUri: rec.redirectUri });
    const identity = await finish.identify(d, flow, tokens);
    const params = await finish.complete(d, { ...flow, userId: rec.userId, tokens, identity });
    return { location: frontendRedirect(d, params), cookies };
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return fail(reasonOf(e), { error: e });
  }
}
