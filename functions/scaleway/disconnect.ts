import { httpHandler, ok } from '../../lib/http/handler.ts';
import { scalewayDisconnectRoute } from '../../lib/providers/scaleway/routes.ts';
import { disconnectScaleway } from '../../lib/providers/scaleway/service.ts';

export const handler = httpHandler(scalewayDisconnectRoute, async ({ principal }, d) => ok(await disconnectScaleway(d, principal.userId)));
