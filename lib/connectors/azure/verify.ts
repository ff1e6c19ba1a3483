import { BadRequestError } from '../../errors.ts';
import { secret } from '../../secret-value.ts';
import type { Verify } from '../kit/behaviour.ts';
import { listSubscriptions, type Subscription } from './arm.ts';
import { azure } from './definition.ts';
import { armToken } from './entra.ts';

interface Wanted {
  subscription_id?: string;
  subscription_name?: string;
}

function choose(subs: Subscription[], input: Wanted): Subscription {
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
 * take the one asked for (it must be Enabled) or the first enabled one. The client secret goes to
 * the secret store only (the connector's secret field); tenant, client and subscription to the record.
 */
export const verify: Verify = async (d, _userId, input) => {
  const clientSecret = secret(input.client_secret!);
  const token = await armToken(d.config.azure, { tenantId: input.tenant_id!, clientId: input.client_id!, clientSecret });
  const sub = choose(await listSubscriptions(d.config.azure, token), input);
  return {
    accountId: sub.subscriptionId,
    accountName: sub.displayName,
    metadata: {
      tenant_id: input.tenant_id!,
      client_id: input.client_id!,
      subscription_id: sub.subscriptionId,
      subscription_name: sub.displayName,
      connected_at: new Date(d.now()).toISOString(),
    },
    response: { message: azure.messages.loggedIn, subscription_id: sub.subscriptionId, subscription_name: sub.displayName },
  };
};
