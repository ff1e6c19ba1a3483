import type { Deps } from '../../deps.ts';
import { getConnection } from '../../connections/repo.ts';
import { NotFoundError, ProviderAuthError } from '../../errors.ts';
import { secret, type SecretValue } from '../../secret-value.ts';
import { armToken, type ArmToken } from './entra.ts';
import { servicePrincipalOf } from './principal.ts';

export { servicePrincipalOf };

/**
 * The Azure adapter: the stored service principal of a connection and ARM tokens for commands
 * (the live check is check.ts). The client secret is read from the secret store per use and never
 * cached here.
 */

/** An ARM token for commands in this user's subscription (cloud_tool). */
export async function azureTokenForUser(d: Deps, userId: string, subscriptionId: string): Promise<SecretValue<ArmToken & { subscriptionId: string; tenantId: string }>> {
  const conn = await getConnection(d.db, { userId, provider: 'azure', accountId: subscriptionId });
  if (!conn || conn.status === 'not_connected') throw new NotFoundError(`No connected Azure subscription ${subscriptionId}`, { code: 'connection_not_found' });
  const sp = await servicePrincipalOf(d, conn);
  if (!sp) throw new ProviderAuthError('The stored Azure credentials are missing; log in to Azure again', { code: 'credentials_missing', status: 409 });
  const token = await armToken(d.config.azure, sp);
  return secret({ ...token.reveal(), subscriptionId, tenantId: sp.tenantId });
}
