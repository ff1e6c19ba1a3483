import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The one retry policy for every outbound call (provider APIs, Google, the IAM etag loop, Vault):
 * a bounded number of attempts, exponential backoff with full jitter (a uniformly random delay
 * between 0 and min(max, base·2ⁿ), so clients that failed together do not retry together), and the
 * server's Retry-After when it sends one. A Retry-After longer than the policy's longest delay
 * ends the retries: coming back sooner than asked would only be refused again, and the caller
 * reports the fault instead.
 *
 * Callers decide what is worth repeating (only what is safe to send twice); this module decides
 * when.
 */
export interface RetryPolicy {
  /** attempts in all, the first one included (1 = no retry) */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Statuses that say "not now" rather than "no": timeouts, throttling, server faults. */
export const isRetryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/** Retry-After as milliseconds from `nowMs` (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}

/** What the next attempt waits for, or null when the server asked for more than the policy allows. */
export function retryDelayMs(policy: RetryPolicy, failedAttempt: number, opts: { retryAfter?: string | null; nowMs: number; random: () => number }): number | null {
  const asked = retryAfterMs(opts.retryAfter, opts.nowMs);
  if (asked !== undefined) return asked <= policy.maxDelayMs ? asked : null;
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** failedAttempt);
  return opts.random() * cap;
}

/** Time as the retry loop sees it; tests pass a fake one (no real sleeps). */
export interface RetryClock {
  sleep(ms: number): Promise<void>;
  now(): number;
  random(): number;
}

let delayScale = 1;
/** Test hook: every real retry delay is multiplied by `scale` (e.g. 0.001); the policy is unchanged. */
export function setRetryDelayScale(scale: number): void {
  delayScale = scale;
}

export const realClock: RetryClock = {
  sleep: (ms) => sleep(ms * delayScale),
  now: () => Date.now(),
  random: () => Math.random(),
};

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };
/** false: this outcome is final. Otherwise try again, after Retry-After when the server sent one. */
export type RetryVerdict = false | { retryAfter?: string | null };

/**
 * Run `attempt` until `verdict` calls an outcome final or the attempts run out; the last outcome
 * is returned or thrown as it is, so the caller reports it in its own terms.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  attempt: (n: number) => Promise<T>,
  verdict: (outcome: Outcome<T>, n: number) => RetryVerdict,
  clock: RetryClock = realClock,
): Promise<T> {
  const attempts = Math.max(1, Math.floor(policy.attempts));
  for (let n = 0; ; n++) {
    let outcome: Outcome<T>;
    try {
      outcome = { ok: true, value: await attempt(n) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    const again = n + 1 < attempts ? verdict(outcome, n) : false;
    const delay = again === false ? null : retryDelayMs(policy, n, { retryAfter: again.retryAfter, nowMs: clock.now(), random: () => clock.random() });
    if (delay === null) {
      if (outcome.ok) return outcome.value;
      throw outcome.error;
    }
    await clock.sleep(delay);
  }
}
