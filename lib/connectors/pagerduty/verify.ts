import { secret } from '../../secret-value.ts';
import type { Verify } from '../kit/behaviour.ts';
import { pagerdutyApi } from './adapter.ts';
import { pagerduty } from './definition.ts';

/**
 * POST /pagerduty {api_token}: the token against the REST API; the account it reaches (its
 * subdomain) is the connection's account. The token goes to the secret store only (the form's
 * secret field).
 */
export const verify: Verify = async (d, _userId, input) => {
  const who = await pagerdutyApi(d.config.pagerduty, { kind: 'api_token', token: secret(input.api_token!) }).account();
  return {
    accountId: who.subdomain,
    accountName: who.subdomain,
    metadata: { auth_method: 'api_token', subdomain: who.subdomain },
    response: { success: true, message: pagerduty.messages.connected, subdomain: who.subdomain, auth_method: 'api_token' },
  };
};
