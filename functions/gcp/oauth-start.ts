import { httpHandler, ok, redirect } from '../../lib/http/handler.ts';
import { oauthStartRoute } from '../../lib/connectors/gcp/routes.ts';
import { startProviderOAuth } from '../../lib/connectors/oauth-start.ts';

export const handler = httpHandler(oauthStartRoute, async ({ principal, params, query, headers }, d) => {
  const flow = await startProviderOAuth(d, principal.userId, params.provider, query);
  // A browser navigation cannot carry the bearer token the JWT authorizer reads, so a JWT caller is
  // a fetch (the console, a script): it gets the URL to navigate to, as POST /gcp/login answers.
  // The binding cookie comes with either answer (CORS allows credentials: lib/stacks/plan/api.ts).
  if (principal.source === 'jwt' || /\bapplication\/json\b/i.test(headers.accept ?? '')) return ok({ login_url: flow.url }, 200, [flow.cookie]);
  return redirect(flow.url, [flow.cookie]);
});
