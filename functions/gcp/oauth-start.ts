import { httpHandler, redirect } from '../../lib/http/handler.ts';
import { oauthStartRoute } from '../../lib/connectors/gcp/routes.ts';
import { startProviderOAuth } from '../../lib/connectors/oauth.ts';

export const handler = httpHandler(oauthStartRoute, async ({ principal, params, query }, d) => {
  const flow = await startProviderOAuth(d, principal.userId, params.provider, query);
  return redirect(flow.url, [flow.cookie]);
});
