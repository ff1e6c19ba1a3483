import { httpHandler, ok } from '../../lib/http/handler.ts';
import { slackLoginRoute } from '../../lib/connectors/slack/routes.ts';
import { slackLogin } from '../../lib/connectors/slack/oauth-start.ts';

export const handler = httpHandler(slackLoginRoute, async ({ principal }, d) => {
  const flow = await slackLogin(d, principal.userId);
  return ok({ oauth_url: flow.url }, 200, [flow.cookie]);
});
