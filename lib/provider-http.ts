import { ProviderUnavailableError } from './errors.ts';
import { isRetryableStatus, withRetry, type RetryPolicy } from './retry.ts';

/**
 * Outbound HTTP to providers. Timeouts on every call; retries by the one policy (lib/retry.ts) on
 * 408, 429, 5xx and network faults, only for requests that are safe to repeat (reads, and writes
 * the caller marks idempotent). Error messages name the provider and the status, never request
 * bodies or headers (they carry credentials).
 */
export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  /** repeat even non-GET requests (token endpoints, idempotent PUTs) */
  idempotent?: boolean;
  /** statuses that are final answers even if they look retryable */
  noRetryOn?: number[];
}

export interface ProviderResponse {
  status: number;
  headers: Headers;
  text: string;
  json<T = unknown>(): T;
}

/** Retry delays can be scaled down in tests (e.g. 0.01) without changing the policy (lib/retry.ts). */
export { setRetryDelayScale } from './retry.ts';

export async function providerFetch(provider: string, url: string, init: RequestInit = {}, opts: RetryOptions = {}): Promise<ProviderResponse> {
  const method = (init.method ?? 'GET').toUpperCase();
  const canRetry = opts.idempotent ?? (method === 'GET' || method === 'HEAD');
  const policy: RetryPolicy = { attempts: canRetry ? (opts.attempts ?? 4) : 1, baseDelayMs: opts.baseDelayMs ?? 200, maxDelayMs: opts.maxDelayMs ?? 5000 };
  let tried = 0;
  let res: { status: number; headers: Headers; text: string };
  try {
    res = await withRetry(
      policy,
      async (n) => {
        tried = n + 1;
        const r = await fetch(url, { ...init, signal: AbortSignal.timeout(opts.timeoutMs ?? 10000) });
        return { status: r.status, headers: r.headers, text: await r.text() };
      },
      (o) => (!o.ok ? {} : isRetryableStatus(o.value.status) && !opts.noRetryOn?.includes(o.value.status) ? { retryAfter: o.value.headers.get('retry-after') } : false),
    );
  } catch (e) {
    const fault = (e as Error).name === 'TimeoutError' ? 'timed out' : 'network error';
    throw new ProviderUnavailableError(`${provider} is unavailable (${fault} after ${tried} attempt${tried > 1 ? 's' : ''})`);
  }
  const { status, headers, text } = res;
  return {
    status,
    headers,
    text,
    json<T>() {
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new ProviderUnavailableError(`${provider} returned an unreadable response (HTTP ${status})`, { status: 502 });
      }
    },
  };
}

/** True when a response is a provider fault (retryable class), not an answer about the credentials. */
export const isProviderFault = (status: number): boolean => isRetryableStatus(status);
