import { httpHandler, redirect } from '../../lib/http/handler.ts';
import { ovhCallbackRoute } from '../../lib/connectors/ovh/routes.ts';
import { ovhCallback } from '../../lib/connectors/ovh/oauth.ts';

export const handler = httpHandler(ovhCallbackRoute, async ({ principal, query, cookies }, d) => {
  const out = await ovhCallback(d, { query, principal, cookies });
  return redirect(out.location, out.cookies);
});
