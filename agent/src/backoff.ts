/**
 * Reconnect delays: capped exponential backoff with full jitter (a uniform draw in
 * [0, min(cap, base * 2^attempt))), so a fleet of agents that lost the service at the same moment
 * does not come back at the same moment.
 */
export function backoffDelay(attempt: number, opts: { baseMs: number; capMs: number }, random: () => number = Math.random): number {
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
