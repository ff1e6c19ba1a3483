import { httpHandler, ok } from '../../lib/http/handler.ts';
import { pagerdutyLoginRoute } from '../../lib/connectors/pagerduty/routes.ts';
import { pagerdutyLogin } from '../../lib/connectors/pagerduty/oauth-start.ts';

export const handler = httpHandler(pagerdutyLoginRoute, async ({ principal }, d) => {
  const flow = await pagerdutyLogin(d, principal.userId);
  return ok({ oauth_url: flow.url, state: flow.state }, 200, [flow.cookie]);
});
