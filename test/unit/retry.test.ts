import { describe, expect, it } from 'vitest';
import { isRetryableStatus, retryAfterMs, retryDelayMs, withRetry, type RetryClock, type RetryPolicy } from '../../lib/retry.ts';

/** A clock that never sleeps: it records the delays asked for and moves its own time. */
function fakeClock(random: () => number = () => 0.5): RetryClock & { slept: number[] } {
  let now = Date.parse('2030-01-01T00:00:00Z');
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    random,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

const policy: RetryPolicy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };

/** Answers from a scripted list, one per attempt. */
function script<T>(answers: Array<T | Error>): { fn: (n: number) => Promise<T>; calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    fn: async (n) => {
      calls.push(n);
      const a = answers[Math.min(n, answers.length - 1)];
      if (a instanceof Error) throw a;
      return a;
    },
  };
}

const retryOnStatus = (o: { ok: boolean; value?: { status: number; retryAfter?: string } }) =>
  o.ok && isRetryableStatus(o.value!.status) ? { retryAfter: o.value!.retryAfter } : false;

describe('lib/retry.ts', () => {
  it('retryable statuses: 408, 429 and 5xx; never 4xx answers about the request', () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([200, 204, 301, 400, 401, 403, 404, 409, 422].some(isRetryableStatus)).toBe(false);
  });

  it('full jitter: each delay is uniform between 0 and min(max, base·2ⁿ)', () => {
    const caps = [0, 1, 2, 3, 4, 5].map((n) => retryDelayMs(policy, n, { nowMs: 0, random: () => 0.999999 })!);
    expect(caps.map(Math.round)).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(retryDelayMs(policy, 3, { nowMs: 0, random: () => 0 })).toBe(0);
    expect(retryDelayMs(policy, 2, { nowMs: 0, random: () => 0.25 })).toBe(100);
  });

  it('Retry-After in seconds or as an HTTP date wins over the backoff; longer than the policy allows ends the retries', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs('Tue, 01 Jan 2030 00:00:01 GMT', now)).toBe(1000);
    expect(retryAfterMs('Mon, 31 Dec 2029 23:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryDelayMs(policy, 0, { retryAfter: '1', nowMs: now, random: () => 0 })).toBe(1000);
    expect(retryDelayMs(policy, 0, { retryAfter: '30', nowMs: now, random: () => 0 })).toBeNull();
  });

  it('retries a retryable answer until it succeeds, sleeping the jittered delays', async () => {
    const clock = fakeClock(() => 0.5);
    const s = script([{ status: 503 }, { status: 429 }, { status: 200 }]);
    expect(await withRetry(policy, s.fn, retryOnStatus, clock)).toEqual({ status: 200 });
    expect(s.calls).toEqual([0, 1, 2]);
    expect(clock.slept).toEqual([50, 100]);
  });

  it('after the last attempt the last outcome is returned (or thrown) as it is', async () => {
    const clock = fakeClock();
    const s = script([{ status: 503 }]);
    expect(await withRetry(policy, s.fn, retryOnStatus, clock)).toEqual({ status: 503 });
    expect(s.calls).toEqual([0, 1, 2, 3]);
    expect(clock.slept).toHaveLength(3);

    const boom = new Error('network error');
    const t = script<never>([boom]);
    await expect(withRetry(policy, t.fn, (o) => (o.ok ? false : {}), fakeClock())).rejects.toBe(boom);
    expect(t.calls).toEqual([0, 1, 2, 3]);
  });

  it('a final answer is not repeated, and 1 attempt means no retry', async () => {
    const clock = fakeClock();
    const s = script([{ status: 404 }, { status: 200 }]);
    expect(await withRetry(policy, s.fn, retryOnStatus, clock)).toEqual({ status: 404 });
    expect(s.calls).toEqual([0]);
    const once = script([{ status: 503 }, { status: 200 }]);
    expect(await withRetry({ ...policy, attempts: 1 }, once.fn, retryOnStatus, clock)).toEqual({ status: 503 });
    expect(once.calls).toEqual([0]);
    expect(clock.slept).toEqual([]);
  });

  it("waits what the server's Retry-After asks; one asking for more than the policy's longest delay stops at once", async () => {
    const clock = fakeClock(() => 0.9);
    const s = script([{ status: 429, retryAfter: '1' }, { status: 200 }]);
    await withRetry(policy, s.fn, retryOnStatus, clock);
    expect(clock.slept).toEqual([1000]);
    const far = script([{ status: 503, retryAfter: '120' }, { status: 200 }]);
    expect(await withRetry(policy, far.fn, retryOnStatus, fakeClock())).toEqual({ status: 503, retryAfter: '120' });
    expect(far.calls).toEqual([0]);
  });
});
