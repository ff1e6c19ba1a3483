import '../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../deps.ts';
import { NotFoundError, ProviderUnavailableError } from '../errors.ts';
import { log } from '../log.ts';
import type { CheckResult, ConnectorCheck } from '../connectors/kit/behaviour.ts';
import type { ConnectorDef, FieldSource } from '../connectors/kit/define.ts';
import { listConnections, updateConnectionStatus, writeAudit } from './repo.ts';
import type { Connection, ConnectionMetadata, ConnectionStatus } from './types.ts';

/**
 * Record the outcome of a live check made on a user's request (status, cloud_tool). Unlike
 * scheduled re-validation (lib/connectors/revalidate.ts), a user asking sees the truth at once: a
 * refusal or a provider fault marks the connection `error` with the reason, a good check brings it
 * back to `connected`. Credentials are never touched here (a 401 or an outage must not cost the
 * user their connection). The write is conditional on the version read, so a check racing a
 * reconnect does not undo it, and skipped when a good check changes nothing. Returns the
 * connection as it now stands.
 */
export async function recordCheck(d: Deps, conn: Connection, result: CheckResult): Promise<Connection> {
  if (result.ok && conn.status === 'connected' && !changes(conn, result)) return conn;
  const checkedAt = new Date(d.now()).toISOString();
  const key = { userId: conn.userId, provider: conn.provider, accountId: conn.accountId };
  if (!result.ok) log.warn('live check failed', { provider: conn.provider, accountId: conn.accountId, kind: result.kind, reason: result.reason });
  const updated = await updateConnectionStatus(
    d.db,
    key,
    result.ok
      ? { status: 'connected', checkedAt, failureCount: 0, expectedVersion: conn.version, ...(result.accountName ? { accountName: result.accountName } : {}), ...(result.metadata ? { metadata: { ...conn.metadata, ...result.metadata } } : {}) }
      : { status: 'error', reason: result.reason, checkedAt, failureCount: (conn.failureCount ?? 0) + 1, expectedVersion: conn.version },
  );
  if (!updated) return conn;
  if (updated.status !== conn.status) {
    await writeAudit(d.db, { userId: conn.userId, action: result.ok ? 'status_recovered' : 'status_error', provider: conn.provider, accountId: conn.accountId, detail: result.ok ? { from: conn.status } : { kind: result.kind, reason: result.reason } });
  }
  return updated;
}

function changes(conn: Connection, r: CheckResult & { ok: true }): boolean {
  if (r.accountName && r.accountName !== conn.accountName) return true;
  return Object.entries(r.metadata ?? {}).some(([k, v]) => JSON.stringify(conn.metadata[k]) !== JSON.stringify(v));
}

export const inUse = (c: Connection) => c.status === 'connected' || c.status === 'error';
export const newestFirst = (a: Connection, b: Connection) => b.updatedAt.localeCompare(a.updatedAt);
const RANK: Record<ConnectionStatus, number> = { connected: 0, error: 1, pending: 2, not_connected: 3 };

export const sameAccount = (def: Pick<ConnectorDef, 'account'>, a: string, b: string) => (def.account.caseInsensitive ? a.toLowerCase() === b.toLowerCase() : a === b);

/** The one status shape: `connected`, `provider`, `status`, `reason` when not connected, then the connector's own fields. */
export interface StatusView {
  connected: boolean;
  provider: string;
  status: ConnectionStatus;
  reason?: string;
  [field: string]: unknown;
}

function valueOf(source: FieldSource, conn: Connection, result: CheckResult | undefined, name: string): unknown {
  if (source === 'account_id') return conn.accountId;
  if (source === 'account_name') return conn.accountName || undefined;
  if (source === 'check') return result?.ok ? result.fields?.[name] : undefined;
  const v: ConnectionMetadata[string] | undefined = conn.metadata[source.slice('metadata.'.length)];
  return v === null ? undefined : v;
}

/** The connector's status fields for the connection shown (null or absent when there is none). */
export function statusFields(def: Pick<ConnectorDef, 'status'>, conn: Connection | null, result?: CheckResult): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of def.status.fields) {
    const sources = typeof f.from === 'string' ? [f.from] : f.from;
    const raw = conn ? sources.map((s) => valueOf(s, conn, result, f.name)).find((v) => v !== undefined) : undefined;
    if (raw !== undefined) out[f.name] = f.type === 'boolean' ? raw === true : String(raw);
    else if (f.nullable) out[f.name] = null;
  }
  return out;
}

/**
 * GET /api/connectors/{id}/status (and the legacy per-connector status paths), for every
 * connector: the connection named by `accountId` (404 when the user has none), else those in use
 * (connected or error), newest first, each checked live and recorded (recordCheck) until one
 * works. The answer shows the first that works, else the newest; a connection not in use (pending,
 * not_connected) is shown as it is, unchecked. A provider fault marks the connection `error`, or
 * answers 503 and changes nothing where the connector says so (`status.onFault`).
 */
export async function connectorStatus(d: Deps, def: ConnectorDef, check: ConnectorCheck, userId: string, accountId?: string): Promise<StatusView> {
  const all = await listConnections(d.db, userId, def.id as Connection['provider']);
  const provider = def.id;
  let candidates: Connection[];
  if (accountId !== undefined) {
    const named = all.find((c) => sameAccount(def, c.accountId, accountId));
    if (!named) throw new NotFoundError(`You have no ${def.name} connection with this account_id`, { code: 'connection_not_found', field: 'account_id' });
    candidates = [named];
  } else {
    candidates = all.filter(inUse).sort(newestFirst);
  }
  const due = candidates.filter(inUse);
  if (due.length === 0) {
    const shown = [...candidates, ...all].sort((a, b) => RANK[a.status] - RANK[b.status] || newestFirst(a, b))[0];
    if (!shown) return { connected: false, provider, status: 'not_connected', reason: def.status.notConnected, ...statusFields(def, null) };
    return { connected: false, provider, status: shown.status, reason: shown.statusReason ?? def.status.notConnected, ...statusFields(def, shown) };
  }
  let first: { conn: Connection; result: CheckResult } | undefined;
  for (const conn of due) {
    const result = await check(d, conn, { purpose: 'status' });
    // the 503 is logged with the request; nothing is recorded
    if (!result.ok && result.kind === 'fault' && def.status.onFault === 'unavailable') throw new ProviderUnavailableError(`${def.name} did not answer the status check; try again shortly`);
    const now = await recordCheck(d, conn, result);
    if (result.ok) return { connected: true, provider, status: 'connected', ...statusFields(def, now, result) };
    first ??= { conn: now, result };
  }
  const { conn, result } = first!;
  return { connected: false, provider, status: 'error', reason: result.ok ? undefined : result.reason, ...statusFields(def, conn, result) };
}
