import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../../deps.ts';
import type { Connection } from '../../connections/types.ts';
import { DeleteCommand } from '../../db/dynamodb.ts';
import { userPk } from '../../connections/repo.ts';
import { log } from '../../log.ts';
import { ELIGIBLE_SETTING } from './connection.ts';
import { deleteLeases, readTokenDoc, revokeToken } from './tokens.ts';

/**
 * Disconnect: revoke the refresh token at Google (which also invalidates its access tokens) before
 * our copy is deleted. One form POST (tokens.ts, providerFetch), so no Google client library comes
 * with a disconnect.
 */
export async function revoke(d: Deps, conn: Connection): Promise<void> {
  if (!conn.secretRef) return;
  const doc = readTokenDoc(await d.secrets.get(conn.secretRef));
  const token = doc?.refresh_token ?? doc?.access_token;
  if (token) await revokeToken(d.config.gcp, token);
}

/** After the last Google account: the refresh leases and a pending project selection go too. */
export async function cleanupUser(d: Deps, userId: string): Promise<void> {
  await deleteLeases(d, userId);
  await d.db.doc.send(new DeleteCommand({ TableName: d.db.table, Key: { pk: userPk(userId), sk: `SETTING#${ELIGIBLE_SETTING}` } })).catch((e) => log.warn('could not drop the pending gcp selection', { error: e }));
}
