import { httpHandler, ok } from '../../lib/http/handler.ts';
import { listConnectionsRoute } from '../../lib/connections/routes.ts';
import { listUserConnections } from '../../lib/connections/service.ts';

export const handler = httpHandler(listConnectionsRoute, async ({ principal }, d) => ok(await listUserConnections(d, principal.userId)));
