import { httpHandler, ok } from '../../lib/http/handler.ts';
import { scalewayDisconnectRoute } from '../../lib/connectors/scaleway/routes.ts';
import { disconnectScaleway } from '../../lib/connectors/scaleway/service.ts';

export const handler = httpHandler(scalewayDisconnectRoute, async ({ principal }, d) => ok(await disconnectScaleway(d, principal.userId)));
