import { httpHandler, ok } from '../../lib/http/handler.ts';
import { listClusterConnectionsRoute } from '../../lib/kubectl/routes.ts';
import { listClusterConnections } from '../../lib/kubectl/service.ts';

export const handler = httpHandler(listClusterConnectionsRoute, async ({ principal }, d) => ok(await listClusterConnections(d, principal.userId)));
