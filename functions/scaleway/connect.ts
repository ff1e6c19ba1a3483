import { httpHandler, ok } from '../../lib/http/handler.ts';
import { scalewayConnectRoute } from '../../lib/connectors/scaleway/routes.ts';
import { connectScaleway } from '../../lib/connectors/scaleway/service.ts';

export const handler = httpHandler(scalewayConnectRoute, async ({ principal, body }, d) => ok(await connectScaleway(d, principal.userId, body)));
