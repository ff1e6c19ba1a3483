import type { Deps } from '../../deps.ts';
import { listConnections, getConnection } from '../../connections/repo.ts';
import type { Connection } from '../../connections/types.ts';
import { UnauthorizedError } from '../../errors.ts';

/** Per-user settings (lib/db/user-settings.ts): the projects a NEEDS_SELECTION offered, and the chosen root project. */
export const ELIGIBLE_SETTING = 'gcp-eligible-projects';
export const ROOT_SETTING = 'gcp-root-project';

const RANK: Record<Connection['status'], number> = { connected: 0, pending: 1, error: 2, not_connected: 3 };

/**
 * The user's GCP connection: the named account, else the best one (connected before pending
 * before error, then the most recently updated). Users normally have one Google account.
 */
export async function findGcpConnection(d: Deps, userId: string, accountId?: string): Promise<Connection | null> {
  if (accountId) return getConnection(d.db, { userId, provider: 'gcp', accountId });
  const all = await listConnections(d.db, userId, 'gcp');
  all.sort((a, b) => RANK[a.status] - RANK[b.status] || b.updatedAt.localeCompare(a.updatedAt));
  return all[0] ?? null;
}

export async function requireGcpConnection(d: Deps, userId: string, accountId?: string): Promise<Connection> {
  const conn = await findGcpConnection(d, userId, accountId);
  if (!conn || !conn.secretRef || conn.status === 'not_connected') throw new UnauthorizedError('No GCP credentials found. Please authenticate with GCP.', { code: 'gcp_not_connected' });
  return conn;
}
