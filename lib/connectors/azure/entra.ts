import type { ClientRequest } from 'node:http';
import { request } from 'node:https';
import type { Config } from '../../config.ts';
import { ProviderAuthError, ProviderUnavailableError, ValidationError, type AppError } from '../../errors.ts';
import { safeReason } from '../../oauth/errors.ts';
import { isRetryableStatus, withRetry, type RetryPolicy } from '../../retry.ts';
import { SecretValue } from '../../secret-value.ts';
import { azure } from './definition.ts';

/**
 * ARM tokens for a service principal: one OAuth 2.0 client-credentials request to Entra ID's v2
 * token endpoint. @azure/identity (MSAL) made the same request after an OpenID metadata round trip,
 * and loaded about 365 KB more at every cold start of azure.login and azure.reconnect (about 705
 * KB, against 340 without it). Nothing is cached: a token must never serve another user, tenant or
 * secret.
 *
 * The request goes through node:https, not fetch: AZURE_AUTHORITY_CA_PEM (the local simulator's
 * self-signed certificate) must be trusted for this request only, and global fetch takes no CA
 * without undici's Agent. The same path runs with and without it (Node's default roots then), so
 * the tests exercise the code Azure gets. The AWS SDK's HTTP handler already loads node:https in
 * every function, so the static import adds nothing to a cold start.
 *
 * What Entra ID answered decides between "your credentials are wrong" (400/401 with an OAuth
 * error) and "Azure is unavailable"; only its status, OAuth error code and AADSTS codes are read
 * for that, never echoed free text, so no message, log line or cause can carry the secret, the
 * request body or a token.
 */
export interface ServicePrincipal {
  tenantId: string;
  clientId: string;
  clientSecret: SecretValue<string>;
}

export interface ArmToken {
  token: string;
  expiresOnTimestamp: number;
}

type Answer = { status: number; retryAfter?: string; text: string; sentAt: number } | { fault: 'timeout' | 'network'; cause?: Error };

/** One POST; never rejects, so every way it can fail is an answer the caller classifies. */
function post(url: URL, body: string, ca: string | undefined, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    const sentAt = Date.now();
    let settled = false;
    const settle = (a: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(a);
    };
    // over the whole attempt (connect, TLS, headers and body): a socket timeout only sees idle gaps
    const timer = setTimeout(() => {
      settle({ fault: 'timeout' });
      req?.destroy();
    }, timeoutMs);
    const network = (e: Error) => settle({ fault: 'network', cause: e });
    let req: ClientRequest | undefined;
    try {
      req = request(
        url,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'content-length': Buffer.byteLength(body) },
          ...(ca ? { ca } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', network);
          // a connection lost mid-answer does not always surface as an error
          res.on('close', () => !res.complete && network(new Error('the answer was cut off')));
          res.on('end', () => {
            const retryAfter = res.headers['retry-after'];
            settle({ status: res.statusCode ?? 0, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, text: Buffer.concat(chunks).toString('utf8'), sentAt });
          });
        },
      );
      req.on('error', network);
      req.end(body);
    } catch (e) {
      network(e as Error);
    }
  });
}

interface OAuthError {
  error?: string;
  codes: number[];
}

function oauthError(text: string): OAuthError {
  try {
    const body = JSON.parse(text) as { error?: unknown; error_codes?: unknown };
    return {
      // Entra's codes are snake_case words; anything else (an echo, a page) is not trusted into a reason
      error: typeof body.error === 'string' ? safeReason(body.error, '') || undefined : undefined,
      codes: Array.isArray(body.error_codes) ? body.error_codes.filter((c): c is number => Number.isSafeInteger(c)) : [],
    };
  } catch {
    return { codes: [] };
  }
}

function reasonOf(e: OAuthError): string {
  const code = e.codes[0];
  const known = code !== undefined ? azure.aadsts[code] : undefined;
  return code !== undefined ? `AADSTS${code}${known ? `: ${known}` : ''}` : (e.error ?? 'invalid_request');
}

/** What a non-200 answer means for the caller. */
function failureOf(status: number, text: string): AppError {
  const e = oauthError(text);
  if ((status === 400 || status === 401) && (e.error || e.codes.length)) {
    if (e.error === 'invalid_scope' || e.error === 'unsupported_grant_type') {
      return new ProviderUnavailableError(`Azure AD refused Aurora's token request (${reasonOf(e)}); check AZURE_RESOURCE_MANAGER_AUDIENCE`, { status: 502 });
    }
    return new ProviderAuthError(azure.messages.invalidCredentials, { code: 'invalid_azure_credentials', extra: { reason: reasonOf(e) } });
  }
  if (isRetryableStatus(status)) return new ProviderUnavailableError(`Azure AD is unavailable (HTTP ${status}); try again`);
  return new ProviderUnavailableError(`Azure AD answered HTTP ${status} to the token request; check AZURE_AUTHORITY_HOST`, { status: 502 });
}

function tokenOf(text: string, sentAt: number): ArmToken | null {
  try {
    const body = JSON.parse(text) as { access_token?: unknown; expires_in?: unknown };
    // v2 sends a number; v1 and some sovereign clouds a numeric string
    const seconds = Number(body.expires_in);
    if (typeof body.access_token !== 'string' || !body.access_token || !(seconds > 0)) return null;
    // from when the request left, so the token is never thought valid longer than it is
    return { token: body.access_token, expiresOnTimestamp: sentAt + seconds * 1000 };
  } catch {
    return null;
  }
}

export async function armToken(cfg: Config['azure'], sp: ServicePrincipal): Promise<SecretValue<ArmToken>> {
  // the connect form checks the same pattern (connector.ts); here it guards the URL path for stored principals too
  if (!azure.tenantPattern.test(sp.tenantId)) throw new ValidationError(azure.messages.invalidTenant, 'tenant_id');
  const url = new URL(`${cfg.authorityHost}/${encodeURIComponent(sp.tenantId)}/oauth2/v2.0/token`);
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: sp.clientId, client_secret: sp.clientSecret.reveal(), scope: cfg.armScope }).toString();
  // a client-credentials request changes nothing at Entra ID, so any fault may be retried
  const policy: RetryPolicy = { attempts: cfg.maxRetries + 1, baseDelayMs: cfg.retryDelayMs, maxDelayMs: Math.max(cfg.retryDelayMs, 1) * 16 };
  const answer = await withRetry(
    policy,
    () => post(url, body, cfg.authorityCaPem, cfg.timeoutMs),
    (o) => (!o.ok ? false : 'fault' in o.value ? {} : isRetryableStatus(o.value.status) ? { retryAfter: o.value.retryAfter } : false),
  );
  if ('fault' in answer) {
    if (answer.fault === 'timeout') throw new ProviderUnavailableError('Azure AD did not answer in time; try again');
    throw new ProviderUnavailableError('Azure AD could not be reached; try again', { cause: answer.cause });
  }
  if (answer.status !== 200) throw failureOf(answer.status, answer.text);
  const token = tokenOf(answer.text, answer.sentAt);
  if (!token) throw new ProviderUnavailableError('Azure AD answered without a token; try again', { status: 502 });
  return new SecretValue(token);
}
