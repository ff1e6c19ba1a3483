import { httpHandler, ok } from '../../lib/http/handler.ts';
import { tailscaleSshSetupRoute } from '../../lib/providers/tailscale/routes.ts';
import { tailscaleSshSetup } from '../../lib/providers/tailscale/service.ts';

export const handler = httpHandler(tailscaleSshSetupRoute, async ({ principal }, d) => ok(await tailscaleSshSetup(d, principal.userId)));
