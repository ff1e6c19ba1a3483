import type { Deps } from '../deps.ts';
import { nowIso } from '../db/client.ts';
import { log } from '../log.ts';
import { scanProviderConnections, updateConnectionStatus, writeAudit } from '../connections/repo.ts';
import type { Connection } from '../connections/types.ts';
import { CONNECTOR_IDS, type ProviderId } from './generated/ids.ts';
import { loadCheck } from './generated/load/check.ts';
import type { CheckResult } from './kit/behaviour.ts';

/**
 * Scheduled re-validation of active connections.
 * Walks every connected or errored connection, runs its connector's live check with bounded
 * concurrency, and records only changes:
 *  - a refused credential → `error` at once (reconnect needed);
 *  - a provider fault (5xx, timeout) → counted; `error` only after `failureThreshold` consecutive
 *    faults, so a provider-wide outage does not flip every connection;
 *  - a good check → `connected` again, count reset.
 * Every status change writes an audit event. Writes are conditional on the version read, so a
 * reconnect that lands mid-run is never overwritten.
 */
export interface RevalidateSummary {
  checked: number;
  recovered: number;
  markedError: number;
  faultsCounted: number;
  skipped: number;
  byProvider: Record<string, number>;
}

type Checker = (d: Deps, conn: Connection) => Promise<CheckResult>;

export async function revalidateAll(d: Deps, opts: { providers?: ProviderId[]; checkers?: Partial<Record<ProviderId, Checker>> } = {}): Promise<RevalidateSummary> {
  const { concurrency, failureThreshold } = d.config.revalidate;
  const summary: RevalidateSummary = { checked: 0, recovered: 0, markedError: 0, faultsCounted: 0, skipped: 0, byProvider: {} };
  for (const provider of opts.providers ?? CONNECTOR_IDS.filter((id) => d.config.features[id])) {
    const loaded = opts.checkers?.[provider] ? undefined : await loadCheck(provider);
    const check: Checker | undefined = opts.checkers?.[provider] ?? (loaded && ((dd, conn) => loaded(dd, conn, { purpose: 'revalidate' })));
    if (!check) continue;
    for await (const page of scanProviderConnections(d.db, provider)) {
      const due = page.filter((c) => c.status === 'connected' || c.status === 'error');
      summary.skipped += page.length - due.length;
      await mapLimit(due, concurrency, async (conn) => {
        summary.checked++;
        summary.byProvider[provider] = (summary.byProvider[provider] ?? 0) + 1;
        const result = await check(d, conn).catch((e: unknown): CheckResult => ({ ok: false, kind: 'fault', reason: `check failed: ${(e as Error).message}` }));
        await record(d, conn, result, failureThreshold, summary);
      });
    }
  }
  log.info('revalidation finished', { ...summary });
  return summary;
}

async function record(d: Deps, conn: Connection, result: CheckResult, threshold: number, summary: RevalidateSummary): Promise<void> {
  const key = { userId: conn.userId, provider: conn.provider, accountId: conn.accountId };
  const checkedAt = nowIso();
  const base = { expectedVersion: conn.version, checkedAt };
  if (result.ok) {
    if (conn.status === 'connected' && !conn.failureCount) {
      await updateConnectionStatus(d.db, key, { ...base, status: 'connected', failureCount: 0 });
      return;
    }
    const changed = await updateConnectionStatus(d.db, key, { ...base, status: 'connected', failureCount: 0, ...(result.accountName ? { accountName: result.accountName } : {}) });
    if (changed && conn.status !== 'connected') {
      summary.recovered++;
      await writeAudit(d.db, { userId: conn.userId, action: 'revalidate_recovered', provider: conn.provider, accountId: conn.accountId, detail: { from: conn.status } });
    }
    return;
  }
  const failures = (conn.failureCount ?? 0) + 1;
  const markNow = result.kind === 'auth' || failures >= threshold;
  if (!markNow || conn.status === 'error') {
    // Count the fault (or refresh the reason of an already-errored connection) without a status change.
    summary.faultsCounted += markNow ? 0 : 1;
    await updateConnectionStatus(d.db, key, { ...base, status: conn.status, reason: conn.status === 'error' ? result.reason : conn.statusReason, failureCount: failures });
    return;
  }
  const changed = await updateConnectionStatus(d.db, key, { ...base, status: 'error', reason: result.reason, failureCount: failures });
  if (changed) {
    summary.markedError++;
    await writeAudit(d.db, { userId: conn.userId, action: 'revalidate_error', provider: conn.provider, accountId: conn.accountId, detail: { kind: result.kind, reason: result.reason, failures } });
  }
}

/** Run fn over items with at most `limit` in flight. */
export async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(workers);
}
