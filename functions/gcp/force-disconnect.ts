import { httpHandler, ok } from '../../lib/http/handler.ts';
import { gcpForceDisconnectRoute } from '../../lib/connectors/gcp/routes.ts';
import { forceDisconnect } from '../../lib/connectors/gcp/disconnect.ts';

export const handler = httpHandler(gcpForceDisconnectRoute, async ({ principal }, d) => ok(await forceDisconnect(d, principal.userId)));
