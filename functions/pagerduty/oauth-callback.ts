import { httpHandler, redirect } from '../../lib/http/handler.ts';
import { pagerdutyCallbackRoute } from '../../lib/connectors/pagerduty/routes.ts';
import { pagerdutyCallback } from '../../lib/connectors/pagerduty/oauth.ts';

export const handler = httpHandler(pagerdutyCallbackRoute, async ({ principal, query, cookies }, d) => {
  const out = await pagerdutyCallback(d, { query, principal, cookies });
  return redirect(out.location, out.cookies);
});
