import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { revalidateAll } from '../../lib/connectors/revalidate.ts';
import { getConnection, listAudit, upsertConnection } from '../../lib/connections/repo.ts';
import type { CheckResult } from '../../lib/connectors/kit/behaviour.ts';
import type { Connection } from '../../lib/connections/types.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

/**
 * The re-validation policy, with the provider check injected as a plain function (the provider
 * checks themselves are exercised against the simulators in each provider's tests).
 */
let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ env: { REVALIDATE_FAILURE_THRESHOLD: '3' } });
});
afterAll(async () => rt.close());

const seed = (userId: string, accountId: string, status: Connection['status'] = 'connected') =>
  upsertConnection(deps().db, { userId, provider: 'scaleway', accountId, accountName: accountId, status, metadata: {} });
const get = (userId: string, accountId: string) => getConnection(deps().db, { userId, provider: 'scaleway', accountId });

describe('scheduled re-validation', () => {
  it('a provider-wide outage leaves connections alone until the failure count is reached', async () => {
    await seed('rv-out', 'org-1');
    await seed('rv-out', 'org-2');
    const outage = async (): Promise<CheckResult> => ({ ok: false, kind: 'fault', reason: 'Scaleway is unavailable (HTTP 503 after 4 attempts)' });
    for (let run = 1; run <= 2; run++) {
      const s = await revalidateAll(deps(), { providers: ['scaleway'], checkers: { scaleway: outage } });
      expect(s.markedError).toBe(0);
      expect((await get('rv-out', 'org-1'))?.status).toBe('connected');
      expect((await get('rv-out', 'org-1'))?.failureCount).toBe(run);
    }
    await revalidateAll(deps(), { providers: ['scaleway'], checkers: { scaleway: outage } });
    const after = await get('rv-out', 'org-1');
    expect(after?.status).toBe('error');
    expect(after?.statusReason).toMatch(/503/);
    const ok = async (): Promise<CheckResult> => ({ ok: true });
    const s = await revalidateAll(deps(), { providers: ['scaleway'], checkers: { scaleway: ok } });
    expect(s.recovered).toBeGreaterThanOrEqual(2);
    expect((await get('rv-out', 'org-2'))?.status).toBe('connected');
    expect((await get('rv-out', 'org-2'))?.failureCount).toBe(0);
    const audit = (await listAudit(deps().db, 'rv-out')).map((e) => e.action);
    expect(audit.filter((a) => a === 'revalidate_error')).toHaveLength(2);
    expect(audit.filter((a) => a === 'revalidate_recovered')).toHaveLength(2);
  });

  it('a refused credential is marked error at once, and recovers on the next good check', async () => {
    await seed('rv-auth', 'org-x');
    let revoked = true;
    const check = async (): Promise<CheckResult> => (revoked ? { ok: false, kind: 'auth', reason: 'Invalid credentials' } : { ok: true });
    await revalidateAll(deps(), { providers: ['scaleway'], checkers: { scaleway: check } });
    expect((await get('rv-auth', 'org-x'))?.status).toBe('error');
    revoked = false;
    await revalidateAll(deps(), { providers: ['scaleway'], checkers: { scaleway: check } });
    expect((await get('rv-auth', 'org-x'))?.status).toBe('connected');
    expect((await get('rv-auth', 'org-x'))?.statusReason).toBeUndefined();
  });

  it('skips not_connected and pending connections, and never overwrites a reconnect that lands mid-run', async () => {
    await seed('rv-skip', 'org-off', 'not_connected');
    await seed('rv-skip', 'org-pend', 'pending');
    await seed('rv-skip', 'org-race');
    const seen: string[] = [];
    const check = async (_d: unknown, conn: Connection): Promise<CheckResult> => {
      seen.push(conn.accountId);
      // the user reconnects while the check is in flight
      await seed('rv-skip', 'org-race');
      return { ok: false, kind: 'auth', reason: 'stale' };
    };
    await revalidateAll(deps(), { providers: ['scaleway'], checkers: { scaleway: check } });
    expect(seen.filter((a) => a.startsWith('org-') && ['org-off', 'org-pend'].includes(a))).toEqual([]);
    expect((await get('rv-skip', 'org-race'))?.status).toBe('connected');
  });

  it('checks with bounded concurrency', async () => {
    for (let i = 0; i < 20; i++) await seed('rv-conc', `org-c${i}`);
    let inFlight = 0;
    let peak = 0;
    const check = async (): Promise<CheckResult> => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return { ok: true };
    };
    await revalidateAll(deps(), { providers: ['scaleway'], checkers: { scaleway: check } });
    expect(peak).toBeLessThanOrEqual(deps().config.revalidate.concurrency);
    expect(peak).toBeGreaterThan(1);
  });
});
