import { httpHandler, ok } from '../../lib/http/handler.ts';
import { ovhDisconnectRoute } from '../../lib/connectors/ovh/routes.ts';
import { disconnectOvh } from '../../lib/connectors/ovh/service.ts';

export const handler = httpHandler(ovhDisconnectRoute, async ({ principal }, d) => ok(await disconnectOvh(d, principal.userId)));
