import { ValidationError } from '../../errors.ts';
import { secret } from '../../secret-value.ts';
import type { Verify } from '../kit/behaviour.ts';
import { datadogApi } from './adapter.ts';
import { datadog, siteOf } from './definition.ts';

/**
 * POST /datadog/connect: the API key against the site's GET /api/v1/validate, then both keys with an
 * application-key call (GET /api/v2/current_user), which also names the organisation: the
 * connection's account. A key of another site is refused by that site, as Datadog does. Both keys
 * go to the secret store (they are the connector's secret fields); the site to the record.
 */
export const verify: Verify = async (d, _userId, input) => {
  const site = siteOf(input.site);
  if (!site) throw new ValidationError(datadog.messages.badSite, 'site');
  const api = datadogApi(d.config.datadog, site, { apiKey: secret(input.api_key!), appKey: secret(input.app_key!) });
  await api.validate();
  const who = await api.identity();
  return {
    accountId: who.orgId,
    accountName: who.orgName,
    metadata: { site, key_owner: who.handle || null },
    response: { success: true, message: datadog.messages.connected, site, organization: who.orgName, organization_id: who.orgId },
  };
};
