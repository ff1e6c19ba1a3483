import { httpHandler, ok } from '../../lib/http/handler.ts';
import { providerDisconnectRoute } from '../../lib/connections/routes.ts';
import { disconnectProvider } from '../../lib/connections/service.ts';

export const handler = httpHandler(providerDisconnectRoute, async ({ principal, params, body }, d) => {
  const accounts = await disconnectProvider(d, principal.userId, params.provider, body.account_id);
  return ok({ status: 'disconnected', provider: params.provider, accounts });
});
