// google-auth-library's OAuth2Client, taken from the copy the @googleapis/* clients are pinned to
// (googleapis-common pins an exact google-auth-library version): importing the top-level package
// as well would bundle a second copy (~110 KB) into every Google-calling function.
import { auth as googleAuth } from '@googleapis/iamcredentials';
import type { Config } from '../../config.ts';
import { ProviderUnavailableError } from '../../errors.ts';
import { GoogleApiError } from './errors.ts';

export { GoogleApiError, isGoogleApiError } from './errors.ts';
import { log } from '../../log.ts';
import { isRetryableStatus, withRetry, type RetryPolicy } from '../../retry.ts';
import type { SecretValue } from '../../secret-value.ts';

export type GcpConfig = Config['gcp'];
export type OAuth2Client = InstanceType<typeof googleAuth.OAuth2>;

/** Where a call gets its bearer token; `renew` forces a refresh after Google answered 401. */
export interface GoogleAuth {
  token(): Promise<SecretValue<string>>;
  renew?(): Promise<SecretValue<string>>;
}

export interface GoogleCtx {
  cfg: GcpConfig;
  auth: GoogleAuth;
}

/** Per-request options every client call gets: our timeout, no gaxios retries (ours below), native fetch. */
export function requestOptions(cfg: GcpConfig) {
  return { timeout: cfg.httpTimeoutMs, retry: false, fetchImplementation: fetch } as const;
}

export function oauthClient(token: SecretValue<string>): OAuth2Client {
  const client = new googleAuth.OAuth2();
  client.setCredentials({ access_token: token.reveal() });
  return client;
}

interface GaxiosLike {
  status?: number;
  code?: string | number;
  name?: string;
  response?: { status?: number; headers?: unknown; data?: unknown };
}

function describe(e: unknown): { status: number; reason: string; message: string; retryAfter?: string | null } {
  const g = e as GaxiosLike;
  const status = g?.response?.status ?? (typeof g?.status === 'number' ? g.status : 0);
  const data = g?.response?.data as { error?: { status?: string; message?: string } | string; error_description?: string } | undefined;
  const err = typeof data?.error === 'object' ? data.error : undefined;
  const headers = g?.response?.headers as { get?: (k: string) => string | null } | Record<string, string> | undefined;
  const retryAfter = headers && typeof (headers as { get?: unknown }).get === 'function' ? (headers as { get(k: string): string | null }).get('retry-after') : (headers as Record<string, string> | undefined)?.['retry-after'];
  if (!status) return { status: 0, reason: 'NETWORK', message: g?.name === 'AbortError' || g?.name === 'TimeoutError' || g?.code === 'ETIMEDOUT' ? 'timed out' : 'network error' };
  const message = (err?.message ?? (typeof data?.error === 'string' ? `${data.error}${data.error_description ? `: ${data.error_description}` : ''}` : `HTTP ${status}`)).slice(0, 300);
  return { status, reason: err?.status ?? (typeof data?.error === 'string' ? data.error : `HTTP_${status}`), message, retryAfter };
}

/**
 * One Google API call: the bearer token from `ctx.auth`, our timeout, and retries by the one
 * policy (lib/retry.ts) on 408/429/5xx/network faults. A 401 renews the token once.
 * Everything the API packages throw is turned into GoogleApiError (or ProviderUnavailableError
 * when Google stayed unavailable), so no gaxios error object with its request headers escapes.
 */
export async function googleCall<T>(ctx: GoogleCtx, api: string, fn: (auth: OAuth2Client) => Promise<{ data: T }>): Promise<T> {
  let token = await ctx.auth.token();
  let renewed = false;
  // only failures of this call are retried, not a GoogleApiError that `fn` passed through
  const ours = new WeakSet<GoogleApiError>();
  const once = async (): Promise<T> => {
    try {
      return (await fn(oauthClient(token))).data;
    } catch (e) {
      if (e instanceof GoogleApiError || e instanceof ProviderUnavailableError) throw e;
      const d = describe(e);
      // A 401 renews the token once, outside the retry budget: it is not a fault of Google's.
      if (d.status === 401 && !renewed && ctx.auth.renew) {
        renewed = true;
        token = await ctx.auth.renew();
        return once();
      }
      const err = new GoogleApiError(api, d.status, d.reason, d.message, d.status === 0 || isRetryableStatus(d.status), d.retryAfter);
      ours.add(err);
      throw err;
    }
  };
  return withRetry(GOOGLE_RETRY(ctx.cfg), once, (o, n) => {
    if (o.ok || !(o.error instanceof GoogleApiError) || !ours.has(o.error) || !o.error.retryable) return false;
    log.debug('google call retried', { api, status: o.error.status, attempt: n + 1 });
    return { retryAfter: o.error.retryAfter };
  });
}

const GOOGLE_RETRY = (cfg: GcpConfig): RetryPolicy => ({ attempts: cfg.httpAttempts, baseDelayMs: 500, maxDelayMs: 8000 });

/** A call to a Google REST endpoint that has no per-API npm package (billing, userinfo, org policy). */
export function restCall<T>(ctx: GoogleCtx, api: string, url: string, method: 'GET' | 'POST' | 'PATCH' = 'GET', data?: unknown): Promise<T> {
  return googleCall<T>(ctx, api, (client) => client.request<T>({ url, method, data, ...requestOptions(ctx.cfg) }));
}

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
