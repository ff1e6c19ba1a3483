import { httpHandler, redirect } from '../../lib/http/handler.ts';
import { githubCallbackRoute } from '../../lib/connectors/github/routes.ts';
import { githubCallback } from '../../lib/connectors/github/oauth.ts';

export const handler = httpHandler(githubCallbackRoute, async ({ principal, query, cookies }, d) => {
  const out = await githubCallback(d, { query, principal, cookies });
  return redirect(out.location, out.cookies);
});
