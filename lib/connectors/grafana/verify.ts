import { ValidationError } from '../../errors.ts';
import { secret } from '../../secret-value.ts';
import type { Verify } from '../kit/behaviour.ts';
import { grafanaApi } from './adapter.ts';
import { grafana, locationOf } from './definition.ts';
import { accountIdOf } from './service.ts';

/**
 * POST /grafana/connect: the token against the instance's GET /api/org, which also names the
 * organisation its service account belongs to: the connection's account. The token goes to the
 * secret store (the connector's secret field); the URL and whether it is a Cloud stack to the record.
 */
export const verify: Verify = async (d, _userId, input) => {
  const loc = locationOf(input.base_url!);
  if (!loc) throw new ValidationError(grafana.messages.badUrl, 'base_url');
  const org = await grafanaApi(d.config.grafana, loc, secret(input.api_token!)).org();
  return {
    accountId: accountIdOf(loc, org.id),
    accountName: `${org.name} (${loc.name})`,
    metadata: { base_url: loc.url, deployment: loc.stack ? 'cloud' : 'self_hosted', org_id: org.id },
    response: { success: true, message: grafana.messages.connected, base_url: loc.url, deployment: loc.stack ? 'cloud' : 'self_hosted', organization: org.name, organization_id: org.id },
  };
};
