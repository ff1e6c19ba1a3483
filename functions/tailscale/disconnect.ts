import { httpHandler, ok } from '../../lib/http/handler.ts';
import { tailscaleDisconnectRoute } from '../../lib/providers/tailscale/routes.ts';
import { disconnectTailscale } from '../../lib/providers/tailscale/service.ts';

export const handler = httpHandler(tailscaleDisconnectRoute, async ({ principal }, d) => ok(await disconnectTailscale(d, principal.userId)));
