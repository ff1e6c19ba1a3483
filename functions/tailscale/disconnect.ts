import { httpHandler, ok } from '../../lib/http/handler.ts';
import { tailscaleDisconnectRoute } from '../../lib/connectors/tailscale/routes.ts';
import { disconnectTailscale } from '../../lib/connectors/tailscale/service.ts';

export const handler = httpHandler(tailscaleDisconnectRoute, async ({ principal }, d) => ok(await disconnectTailscale(d, principal.userId)));
