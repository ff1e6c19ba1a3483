import { httpHandler, ok } from '../../lib/http/handler.ts';
import { scalewayConnectRoute } from '../../lib/providers/scaleway/routes.ts';
import { connectScaleway } from '../../lib/providers/scaleway/service.ts';

export const handler = httpHandler(scalewayConnectRoute, async ({ principal, body }, d) => ok(await connectScaleway(d, principal.userId, body)));
