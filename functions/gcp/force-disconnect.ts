import { httpHandler, ok } from '../../lib/http/handler.ts';
import { gcpForceDisconnectRoute } from '../../lib/providers/gcp/routes.ts';
import { forceDisconnect } from '../../lib/providers/gcp/disconnect.ts';

export const handler = httpHandler(gcpForceDisconnectRoute, async ({ principal }, d) => ok(await forceDisconnect(d, principal.userId)));
