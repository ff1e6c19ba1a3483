import { httpHandler, ok } from '../../lib/http/handler.ts';
import { ovhInitiateRoute } from '../../lib/connectors/ovh/routes.ts';
import { ovhLogin } from '../../lib/connectors/ovh/oauth-start.ts';

export const handler = httpHandler(ovhInitiateRoute, async ({ principal, body }, d) => {
  const flow = await ovhLogin(d, principal.userId, body.endpoint);
  return ok({ authorizationUrl: flow.url, state: flow.state }, 200, [flow.cookie]);
});
