import { ProviderUnavailableError } from '../errors.ts';
import { isProviderFault, providerFetch } from '../provider-http.ts';
import type { SecretValue } from '../secret-value.ts';
import { OAuthRefusal, safeReason } from './errors.ts';

/**
 * One request to an OAuth 2.0 token endpoint (RFC 6749 §4.1.3 and §6): code redemption and
 * refresh, for every connector. Connectors differ only in how they say it, so that is what they
 * choose: client authentication in the form (client_secret_post) or by HTTP Basic
 * (client_secret_basic), and the body as a form or as JSON (Atlassian). Refusals (400/401 with an
 * RFC 6749 error) throw OAuthRefusal with the provider's error code; faults (429, 5xx, timeouts)
 * ProviderUnavailableError; nothing in a message comes from the request.
 */
export interface TokenEndpoint {
  /** who answers, for messages: "Google OAuth", "OVHcloud" */
  provider: string;
  tokenUrl: string;
  clientId: string;
  /** confidential clients; a public client (PKCE only) has none */
  clientSecret?: SecretValue<string>;
  clientAuth?: 'post' | 'basic';
  body?: 'form' | 'json';
  timeoutMs: number;
  /**
   * Attempts on a fault. A refresh is safe to repeat. A code redeems once: repeating one whose
   * answer was lost gets invalid_grant, which is no worse than giving up, so a connector may
   * choose either.
   */
  attempts: number;
}

export interface TokenSet {
  access_token: string;
  refresh_token?: string;
  /** seconds, as the provider said */
  expires_in?: number;
  token_type?: string;
  scope?: string;
  id_token?: string;
  /** everything else the provider returned (Slack's team, Atlassian's scope list...) */
  extra: Record<string, unknown>;
}

export async function tokenRequest(ep: TokenEndpoint, grant: Record<string, string>): Promise<TokenSet> {
  const params: Record<string, string> = { ...grant };
  const headers: Record<string, string> = { accept: 'application/json' };
  if (ep.clientAuth === 'basic' && ep.clientSecret) {
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(ep.clientId)}:${encodeURIComponent(ep.clientSecret.reveal())}`).toString('base64')}`;
  } else {
    params.client_id = ep.clientId;
    if (ep.clientSecret) params.client_secret = ep.clientSecret.reveal();
  }
  const json = ep.body === 'json';
  headers['content-type'] = json ? 'application/json' : 'application/x-www-form-urlencoded';
  const res = await providerFetch(
    ep.provider,
    ep.tokenUrl,
    { method: 'POST', headers, body: json ? JSON.stringify(params) : new URLSearchParams(params).toString() },
    { idempotent: true, attempts: ep.attempts, timeoutMs: ep.timeoutMs },
  );
  let body: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(res.text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    /* an error page that is not JSON: judged by its status below */
  }
  if (res.status === 200 && typeof body.access_token === 'string' && body.access_token) {
    const { access_token, refresh_token, expires_in, token_type, scope, id_token, ...extra } = body;
    return {
      access_token,
      refresh_token: typeof refresh_token === 'string' && refresh_token ? refresh_token : undefined,
      expires_in: Number(expires_in) > 0 ? Number(expires_in) : undefined,
      token_type: typeof token_type === 'string' ? token_type : undefined,
      scope: typeof scope === 'string' ? scope : undefined,
      id_token: typeof id_token === 'string' ? id_token : undefined,
      extra,
    };
  }
  // GitHub's token endpoint and Slack's oauth.v2.access answer a refused grant with 200 and an `error`
  if (res.status === 200 && typeof body.error === 'string') {
    const error = safeReason(body.error, 'invalid_request');
    throw new OAuthRefusal(error, `${ep.provider} refused the token request (${error})`);
  }
  if (res.status === 200) throw new ProviderUnavailableError(`${ep.provider} returned no access token`, { status: 502 });
  if (res.status === 400 || res.status === 401) {
    const error = safeReason(body.error, 'invalid_request');
    throw new OAuthRefusal(error, `${ep.provider} refused the token request (${error})`);
  }
  if (isProviderFault(res.status)) throw new ProviderUnavailableError(`${ep.provider} is unavailable (HTTP ${res.status})`);
  throw new ProviderUnavailableError(`${ep.provider} answered HTTP ${res.status} to the token request`, { status: 502 });
}

/** Epoch milliseconds at which a token set expires (an hour when the provider does not say). */
export const expiresAt = (t: Pick<TokenSet, 'expires_in'>, nowMs: number, defaultSeconds = 3600): number => nowMs + (t.expires_in ?? defaultSeconds) * 1000;
