import { httpHandler, ok } from '../../lib/http/handler.ts';
import { gcpLoginRoute } from '../../lib/connectors/gcp/routes.ts';
import { gcpLogin } from '../../lib/connectors/gcp/login.ts';

export const handler = httpHandler(gcpLoginRoute, async ({ principal }, d) => {
  const flow = await gcpLogin(d, principal.userId);
  return ok({ login_url: flow.url }, 200, [flow.cookie]);
});
