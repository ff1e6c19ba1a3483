import type { Deps } from '../../deps.ts';
import { getConnection } from '../../connections/repo.ts';
import type { Connection } from '../../connections/types.ts';
import { AppError, NotFoundError, ProviderAuthError } from '../../errors.ts';
import { secret, type SecretValue } from '../../secret-value.ts';
import type { CheckResult } from '../hooks.ts';
import { getSubscription } from './arm.ts';
import { azure } from './definition.ts';
import { armToken, type ArmToken } from './entra.ts';
import { servicePrincipalOf } from './principal.ts';

export { servicePrincipalOf };

/**
 * The Azure adapter: the stored service principal of a connection, live checks, and ARM tokens for
 * commands. The client secret is read from the secret store per use and never cached here.
 */
const reasonOf = (e: ProviderAuthError) => (typeof e.extra?.reason === 'string' ? e.extra.reason : e.message);

/**
 * Live check: a fresh token for the stored principal, then the subscription itself. A refused
 * secret, a subscription gone or no longer Enabled is `auth`; an outage or timeout is a `fault`.
 */
export async function checkAzureConnection(d: Deps, conn: Connection): Promise<CheckResult> {
  const sp = await servicePrincipalOf(d, conn);
  if (!sp) return { ok: false, kind: 'auth', reason: 'The stored Azure credentials are missing; log in to Azure again' };
  try {
    const token = await armToken(d.config.azure, sp);
    const sub = await getSubscription(d.config.azure, token, conn.accountId);
    if ('missing' in sub) return { ok: false, kind: 'auth', reason: `Subscription ${conn.accountId} is no longer visible to the service principal (${sub.missing})` };
    if (sub.state !== azure.enabledState) return { ok: false, kind: 'auth', reason: `Subscription ${sub.displayName} (${conn.accountId}) is ${sub.state}` };
    return { ok: true, accountName: sub.displayName, metadata: { subscription_name: sub.displayName } };
  } catch (e) {
    if (e instanceof ProviderAuthError) return { ok: false, kind: 'auth', reason: `Azure refused the stored service principal (${reasonOf(e)}); log in again` };
    if (e instanceof AppError) return { ok: false, kind: 'fault', reason: e.message };
    throw e;
  }
}

/** An ARM token for commands in this user's subscription (cloud_tool). */
export async function azureTokenForUser(d: Deps, userId: string, subscriptionId: string): Promise<SecretValue<ArmToken & { subscriptionId: string; tenantId: string }>> {
  const conn = await getConnection(d.db, { userId, provider: 'azure', accountId: subscriptionId });
  if (!conn || conn.status === 'not_connected') throw new NotFoundError(`No connected Azure subscription ${subscriptionId}`, { code: 'connection_not_found' });
  const sp = await servicePrincipalOf(d, conn);
  if (!sp) throw new ProviderAuthError('The stored Azure credentials are missing; log in to Azure again', { code: 'credentials_missing', status: 409 });
  const token = await armToken(d.config.azure, sp);
  return secret({ ...token.reveal(), subscriptionId, tenantId: sp.tenantId });
}
