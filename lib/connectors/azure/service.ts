import type { Deps } from '../../deps.ts';
import { saveConnection } from '../../connections/service.ts';
import { listConnections } from '../../connections/repo.ts';
import type { Connection } from '../../connections/types.ts';
import { BadRequestError, NotFoundError } from '../../errors.ts';
import { secret } from '../../secret-value.ts';
import { recordLiveCheck } from '../live-check.ts';
import { checkAzureConnection } from './adapter.ts';
import { listSubscriptions, type Subscription } from './arm.ts';
import { azure } from './definition.ts';
import { armToken } from './entra.ts';

export interface AzureLoginInput {
  tenant_id: string;
  client_id: string;
  client_secret: string;
  subscription_id?: string;
  subscription_name?: string;
}

function choose(subs: Subscription[], input: AzureLoginInput): Subscription {
  const enabled = subs.filter((s) => s.state === azure.enabledState);
  if (input.subscription_id) {
    const wanted = input.subscription_id.toLowerCase();
    const match = subs.find((s) => s.subscriptionId.toLowerCase() === wanted);
    if (!match) {
      throw new BadRequestError(`subscription_id ${input.subscription_id} is not visible to this service principal; assign it a role (Reader or Contributor) on that subscription`, {
        code: 'subscription_not_found',
        field: 'subscription_id',
      });
    }
    if (match.state !== azure.enabledState) {
      throw new BadRequestError(`subscription_id ${input.subscription_id} (${match.displayName}) is ${match.state}; choose an enabled subscription`, { code: 'subscription_not_enabled', field: 'subscription_id' });
    }
    return match;
  }
  if (input.subscription_name) {
    const match = enabled.find((s) => s.displayName === input.subscription_name);
    if (!match) throw new BadRequestError(`No enabled subscription named "${input.subscription_name}" is visible to this service principal`, { code: 'subscription_not_found', field: 'subscription_name' });
    return match;
  }
  if (!enabled[0]) throw new BadRequestError(azure.messages.noEnabledSubscription, { code: 'no_enabled_subscription' });
  return enabled[0];
}

/**
 * POST /azure/login: get an ARM token for the service principal, list the subscriptions it sees,
 * take the one asked for (it must be Enabled) or the first enabled one, and save it: the client
 * secret only in the secret store, tenant/client/subscription on the record.
 */
export async function loginAzure(d: Deps, userId: string, input: AzureLoginInput) {
  const clientSecret = secret(input.client_secret);
  const token = await armToken(d.config.azure, { tenantId: input.tenant_id, clientId: input.client_id, clientSecret });
  const sub = choose(await listSubscriptions(d.config.azure, token), input);
  await saveConnection(d, {
    userId,
    provider: 'azure',
    accountId: sub.subscriptionId,
    accountName: sub.displayName,
    metadata: {
      tenant_id: input.tenant_id,
      client_id: input.client_id,
      subscription_id: sub.subscriptionId,
      subscription_name: sub.displayName,
      connected_at: new Date(d.now()).toISOString(),
    },
    secret: secret({ client_secret: clientSecret.reveal() }),
  });
  return { message: azure.messages.loggedIn, subscription_id: sub.subscriptionId, subscription_name: sub.displayName };
}

async function pickConnection(d: Deps, userId: string, subscriptionId?: string): Promise<Connection | null> {
  const conns = await listConnections(d.db, userId, 'azure');
  if (subscriptionId) {
    const c = conns.find((x) => x.accountId.toLowerCase() === subscriptionId.toLowerCase());
    if (!c) throw new NotFoundError(`No Azure connection with subscription ${subscriptionId}`, { code: 'connection_not_found' });
    return c;
  }
  const when = (c: Connection) => (typeof c.metadata.connected_at === 'string' ? c.metadata.connected_at : c.createdAt);
  return conns.filter((c) => c.status !== 'not_connected').sort((a, b) => when(b).localeCompare(when(a)))[0] ?? null;
}

/** GET /azure/status: live token + subscription check, recorded on the connection (credentials are never dropped). */
export async function azureStatus(d: Deps, userId: string, subscriptionId?: string) {
  const conn = await pickConnection(d, userId, subscriptionId);
  if (!conn) return { connected: false, provider: 'azure' as const };
  const view = { provider: 'azure' as const, subscription_id: conn.accountId, subscription_name: conn.accountName };
  if (conn.status === 'not_connected') return { connected: false, ...view, status: 'not_connected' as const };
  const result = await checkAzureConnection(d, conn);
  const now = await recordLiveCheck(d, conn, result);
  return result.ok ? { connected: true, ...view, subscription_name: now.accountName } : { connected: false, ...view, status: 'error' as const, reason: result.reason };
}
