import { httpHandler, ok } from '../../lib/http/handler.ts';
import { githubLoginRoute } from '../../lib/connectors/github/routes.ts';
import { githubLogin } from '../../lib/connectors/github/oauth-start.ts';

export const handler = httpHandler(githubLoginRoute, async ({ principal }, d) => {
  const flow = await githubLogin(d, principal.userId);
  return ok({ oauth_url: flow.url }, 200, [flow.cookie]);
});
