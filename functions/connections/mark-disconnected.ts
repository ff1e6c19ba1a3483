import { httpHandler, ok } from '../../lib/http/handler.ts';
import { markDisconnectedRoute } from '../../lib/connections/routes.ts';
import { markNotConnected } from '../../lib/connections/service.ts';

export const handler = httpHandler(markDisconnectedRoute, async ({ principal, body }, d) => {
  await markNotConnected(d, principal.userId, body.provider, body.account_id);
  return ok({ status: 'disconnected' });
});
