// Google's APIs are called as plain JSON REST over native fetch. The generated @googleapis/*
// clients (with gaxios and google-auth-library) made every Google-calling function 580–660 KB at a
// cold start for the dozen simple calls below; the paths they built are kept as they were.
import type { Config } from '../../config.ts';
import { GoogleApiError } from './errors.ts';

export { GoogleApiError, isGoogleApiError } from './errors.ts';
import { log } from '../../log.ts';
import { isRetryableStatus, withRetry, type RetryPolicy } from '../../retry.ts';
import type { SecretValue } from '../../secret-value.ts';

export type GcpConfig = Config['gcp'];

/** Where a call gets its bearer token; `renew` forces a refresh after Google answered 401. */
export interface GoogleAuth {
  token(): Promise<SecretValue<string>>;
  renew?(): Promise<SecretValue<string>>;
}

export interface GoogleCtx {
  cfg: GcpConfig;
  auth: GoogleAuth;
}

/** One REST call: `url` is a root of `ctx.cfg.roots` (or a full endpoint URL) with the API path. */
export interface GoogleRequest {
  method?: 'GET' | 'POST' | 'PATCH';
  url: string;
  /** sent as JSON */
  body?: unknown;
  /** undefined values are left out */
  query?: Record<string, string | number | boolean | undefined>;
}

/**
 * One path segment made of a value we did not choose (a project id, an account email), as
 * Google's `{+name}` templates expand it, except that `/`, `?`, `#` and `%` are encoded: a project
 * id can never add a segment, a query or a fragment to the path. `@` and `:` stay as the generated
 * clients sent them (both are legal in a path segment). Dot segments are refused by googleCall.
 */
export const seg = (value: string): string => value.toWellFormed().replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@]/gu, (c) => encodeURIComponent(c));

/** A resource name Google handed us (an operation's name): its slashes stay, each segment goes through `seg`. */
export const resourcePath = (name: string): string => name.split('/').map(seg).join('/');

// fetch resolves `.` and `..` segments (and their %2e spellings) before sending, so a resource id
// of '..' would walk up the API's path: such a path is refused instead of sent
const DOT_SEGMENT = /[/\\](?:\.|%2e){1,2}(?=[/\\]|$)/i;

/** Google's error JSON (`{error:{code,message,status}}`, or the OAuth `{error, error_description}`) as reason and message. */
function describeBody(status: number, text: string): { reason: string; message: string } {
  let data: { error?: { status?: string; message?: string } | string; error_description?: string } | undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    // a proxy's or load balancer's HTML page: the status is all we know
  }
  const err = data && typeof data.error === 'object' && data.error !== null ? data.error : undefined;
  const oauth = data && typeof data.error === 'string' ? data.error : undefined;
  const message = err?.message ?? (oauth ? `${oauth}${data?.error_description ? `: ${data.error_description}` : ''}` : `HTTP ${status}`);
  return { reason: String(err?.status ?? oauth ?? `HTTP_${status}`), message: String(message) };
}

/**
 * One Google API call: the bearer token from `ctx.auth`, our timeout, and retries by the one
 * policy (lib/retry.ts) on 408/429/5xx/network faults, after Google's Retry-After when it sends
 * one. A 401 renews the token once, outside the retry budget. Every failure of the request is a
 * GoogleApiError built from the status and Google's error JSON only: request headers (the token)
 * and bodies never reach an error or a log line. What `ctx.auth` throws (a refused refresh:
 * GcpReauthRequiredError) passes as it is, unretried.
 */
export async function googleCall<T>(ctx: GoogleCtx, api: string, req: GoogleRequest): Promise<T> {
  const u = new URL(req.url);
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
  const path = req.url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').replace(/[?#].*$/s, '');
  if (DOT_SEGMENT.test(path)) throw new GoogleApiError(api, 400, 'INVALID_ARGUMENT', 'invalid resource name in the request path', false);
  const method = req.method ?? 'GET';
  const body = req.body === undefined ? undefined : JSON.stringify(req.body);
  let token = await ctx.auth.token();
  let renewed = false;
  // only failures of this call are retried, not an error the token source threw while renewing
  const ours = new WeakSet<GoogleApiError>();
  const fail = (status: number, reason: string, message: string, retryAfter?: string | null) => {
    const err = new GoogleApiError(api, status, reason, message, status === 0 || isRetryableStatus(status), retryAfter);
    ours.add(err);
    return err;
  };
  const once = async (): Promise<T> => {
    let res: Response;
    let text: string;
    try {
      res = await fetch(u, {
        method,
        headers: { authorization: `Bearer ${token.reveal()}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body,
        // Google's APIs do not redirect these calls; one that does is answered as an error
        // rather than followed with the bearer token
        redirect: 'manual',
        signal: AbortSignal.timeout(ctx.cfg.httpTimeoutMs),
      });
      text = await res.text();
    } catch (e) {
      // fetch's own error objects are not kept: only whether it was our timeout
      const name = (e as { name?: string } | null)?.name;
      throw fail(0, 'NETWORK', name === 'TimeoutError' || name === 'AbortError' ? 'timed out' : 'network error');
    }
    if (res.status === 401 && !renewed && ctx.auth.renew) {
      renewed = true;
      token = await ctx.auth.renew();
      return once();
    }
    if (res.status < 200 || res.status > 299) {
      const d = describeBody(res.status, text);
      // Google never echoes a credential, but whatever answered might: the token is cut out
      // before the message is capped, so no prefix of it survives either
      const secretText = token.reveal();
      const clean = (s: string) => (secretText ? s.split(secretText).join('[redacted]') : s);
      throw fail(res.status, clean(d.reason), clean(d.message).slice(0, 300), res.headers.get('retry-after'));
    }
    if (!text) return {} as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      // a 2xx that is not JSON came from something in front of Google; the call may have taken
      // effect, so it is reported rather than repeated
      throw new GoogleApiError(api, 502, 'INVALID_RESPONSE', `unreadable response (HTTP ${res.status})`, false);
    }
  };
  return withRetry(GOOGLE_RETRY(ctx.cfg), once, (o, n) => {
    if (o.ok || !(o.error instanceof GoogleApiError) || !ours.has(o.error) || !o.error.retryable) return false;
    log.debug('google call retried', { api, status: o.error.status, attempt: n + 1 });
    return { retryAfter: o.error.retryAfter };
  });
}

const GOOGLE_RETRY = (cfg: GcpConfig): RetryPolicy => ({ attempts: cfg.httpAttempts, baseDelayMs: 500, maxDelayMs: 8000 });

/** Run `fn` over items with at most `limit` in flight; results keep the input order. */
export async function mapLimit<I, O>(items: I[], limit: number, fn: (item: I, index: number) => Promise<O>): Promise<O[]> {
  const out: O[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
