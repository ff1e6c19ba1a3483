import { httpHandler, ok } from '../../lib/http/handler.ts';
import { confluenceConnectRoute } from '../../lib/connectors/confluence/routes.ts';
import { connectConfluence } from '../../lib/connectors/confluence/service.ts';

export const handler = httpHandler(confluenceConnectRoute, async ({ principal, body }, d) => {
  const out = await connectConfluence(d, principal.userId, body);
  return ok(out.body, 200, out.cookie ? [out.cookie] : undefined);
});
