import { httpHandler, redirect } from '../../lib/http/handler.ts';
import { confluenceCallbackRoute } from '../../lib/connectors/confluence/routes.ts';
import { confluenceCallback } from '../../lib/connectors/confluence/oauth.ts';

export const handler = httpHandler(confluenceCallbackRoute, async ({ principal, query, cookies }, d) => {
  const out = await confluenceCallback(d, { query, principal, cookies });
  return redirect(out.location, out.cookies);
});
