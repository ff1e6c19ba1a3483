import type { Deps } from '../../deps.ts';
import { listConnections } from '../../connections/repo.ts';
import { saveConnection } from '../../connections/service.ts';
import { inUse, newestFirst } from '../../connections/status.ts';
import { ConflictError, NotFoundError } from '../../errors.ts';
import { secret } from '../../secret-value.ts';
import { pagerdutyApi } from './adapter.ts';
import { pagerduty } from './definition.ts';

/**
 * PATCH /pagerduty {api_token[, account_id]}: a new API token for a connected account, in place.
 * The new token is validated first and must reach the same account; then it replaces the old one
 * at the same secret path and the record is marked connected again (saveConnection: secret first,
 * record second, the old secret restored if the record fails). The record, its webhook and its
 * signing secret stay, so deliveries keep working through the rotation.
 */
export async function rotateToken(d: Deps, userId: string, input: { api_token: string; account_id?: string }) {
  const all = await listConnections(d.db, userId, 'pagerduty');
  const conn = input.account_id !== undefined ? all.find((c) => c.accountId === input.account_id) : all.filter(inUse).sort(newestFirst)[0];
  if (!conn) throw new NotFoundError(input.account_id !== undefined ? 'You have no PagerDuty connection with this account_id' : pagerduty.messages.notConnected, { code: 'connection_not_found', ...(input.account_id !== undefined ? { field: 'account_id' } : {}) });
  if (conn.metadata.auth_method === 'oauth') throw new ConflictError(pagerduty.messages.rotateOAuth, { code: 'oauth_connection', field: 'api_token' });
  const who = await pagerdutyApi(d.config.pagerduty, { kind: 'api_token', token: secret(input.api_token) }).account();
  if (who.subdomain !== conn.accountId) throw new ConflictError(pagerduty.messages.otherAccount(conn.accountId, who.subdomain), { code: 'account_mismatch', field: 'api_token' });
  await saveConnection(d, {
    userId,
    provider: 'pagerduty',
    accountId: conn.accountId,
    accountName: conn.accountName,
    metadata: conn.metadata,
    secret: secret({ api_token: input.api_token }),
    action: 'rotate_token',
  });
  return { success: true as const, message: pagerduty.messages.rotated, subdomain: conn.accountId };
}
