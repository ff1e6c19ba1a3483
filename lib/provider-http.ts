import { setTimeout as sleep } from 'node:timers/promises';
import { ProviderUnavailableError } from './errors.ts';

/**
 * Outbound HTTP to providers. Timeouts on every call; retries with exponential backoff and full
 * jitter on 429, 5xx and network faults, honouring Retry-After; only for requests that are safe
 * to repeat (reads, and writes the caller marks idempotent). Error messages name the provider and
 * the status, never request bodies or headers (they carry credentials).
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

const RETRYABLE = (s: number) => s === 429 || s === 408 || s >= 500;

/** Retry delays can be scaled down in tests (e.g. 0.01) without changing the policy. */
let delayScale = 1;
export function setRetryDelayScale(scale: number): void {
  delayScale = scale;
}

export function backoffDelay(attempt: number, base: number, max: number, retryAfter?: string | null): number {
  const ra = retryAfter ? Number(retryAfter) : NaN;
  if (Number.isFinite(ra) && ra >= 0) return Math.min(ra * 1000, max) * delayScale;
  const cap = Math.min(max, base * 2 ** attempt);
  return Math.random() * cap * delayScale;
}

export async function providerFetch(provider: string, url: string, init: RequestInit = {}, opts: RetryOptions = {}): Promise<ProviderResponse> {
  const method = (init.method ?? 'GET').toUpperCase();
  const canRetry = opts.idempotent ?? (method === 'GET' || method === 'HEAD');
  const attempts = canRetry ? (opts.attempts ?? 4) : 1;
  const base = opts.baseDelayMs ?? 200;
  const max = opts.maxDelayMs ?? 5000;
  let lastFault = '';
  for (let attempt = 0; attempt < attempts; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(opts.timeoutMs ?? 10000) });
    } catch (e) {
      lastFault = (e as Error).name === 'TimeoutError' ? 'timed out' : 'network error';
      if (attempt + 1 < attempts) await sleep(backoffDelay(attempt, base, max));
      continue;
    }
    const text = await res.text();
    if (RETRYABLE(res.status) && !opts.noRetryOn?.includes(res.status) && attempt + 1 < attempts) {
      lastFault = `HTTP ${res.status}`;
      await sleep(backoffDelay(attempt, base, max, res.headers.get('retry-after')));
      continue;
    }
    return {
      status: res.status,
      headers: res.headers,
      text,
      json<T>() {
        try {
          return JSON.parse(text) as T;
        } catch {
          throw new ProviderUnavailableError(`${provider} returned an unreadable response (HTTP ${res.status})`, { status: 502 });
        }
      },
    };
  }
  throw new ProviderUnavailableError(`${provider} is unavailable (${lastFault} after ${attempts} attempt${attempts > 1 ? 's' : ''})`);
}

/** True when a response is a provider fault (retryable class), not an answer about the credentials. */
export const isProviderFault = (status: number): boolean => RETRYABLE(status);
