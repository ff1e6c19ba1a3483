import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { checkFailure, type ConnectorCheck } from '../kit/behaviour.ts';
import { getSubscription } from './arm.ts';
import { azure } from './definition.ts';
import { armToken } from './entra.ts';
import { servicePrincipalOf } from './principal.ts';

/**
 * Live check: a fresh token for the stored principal, then the subscription itself (its name may
 * have changed: the record follows). A refused secret, a subscription gone or no longer Enabled is
 * `auth`; an outage or timeout is a `fault`.
 */
export const check: ConnectorCheck = async (d, conn) => {
  const sp = await servicePrincipalOf(d, conn);
  if (!sp) return { ok: false, kind: 'auth', reason: 'The stored Azure credentials are missing; log in to Azure again' };
  try {
    const token = await armToken(d.config.azure, sp);
    const sub = await getSubscription(d.config.azure, token, conn.accountId);
    if ('missing' in sub) return { ok: false, kind: 'auth', reason: `Subscription ${conn.accountId} is no longer visible to the service principal (${sub.missing})` };
    if (sub.state !== azure.enabledState) return { ok: false, kind: 'auth', reason: `Subscription ${sub.displayName} (${conn.accountId}) is ${sub.state}` };
    return { ok: true, accountName: sub.displayName, metadata: { subscription_name: sub.displayName } };
  } catch (e) {
    return checkFailure(e, { refused: (err) => `Azure refused the stored service principal (${typeof err.extra?.reason === 'string' ? err.extra.reason : err.message}); log in again` });
  }
};
