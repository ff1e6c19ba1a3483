import { httpHandler, ok } from '../../lib/http/handler.ts';
import { providerDisconnectRoute } from '../../lib/connections/routes.ts';
import { disconnectConnector } from '../../lib/connectors/disconnect.ts';

export const handler = httpHandler(providerDisconnectRoute, async ({ principal, params, body }, d) => {
  const accounts = await disconnectConnector(d, principal.userId, params.provider, body.account_id);
  return ok({ status: 'disconnected', provider: params.provider, accounts });
});
