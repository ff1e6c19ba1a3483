import { httpHandler, redirect } from '../../lib/http/handler.ts';
import { oauthCallbackRoute } from '../../lib/connectors/gcp/routes.ts';
import { providerOAuthCallback } from '../../lib/connectors/oauth-callback.ts';

export const handler = httpHandler(oauthCallbackRoute, async ({ principal, params, query, cookies }, d) => {
  const out = await providerOAuthCallback(d, params.provider, { query, principal, cookies });
  return redirect(out.location, out.cookies);
});
