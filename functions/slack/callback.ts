import { httpHandler, redirect } from '../../lib/http/handler.ts';
import { slackCallbackRoute } from '../../lib/connectors/slack/routes.ts';
import { slackCallback } from '../../lib/connectors/slack/oauth.ts';

export const handler = httpHandler(slackCallbackRoute, async ({ principal, query, cookies }, d) => {
  const out = await slackCallback(d, { query, principal, cookies });
  return redirect(out.location, out.cookies);
});
