import { httpHandler, ok } from '../../lib/http/handler.ts';
import { tailscaleSshSetupRoute } from '../../lib/connectors/tailscale/routes.ts';
import { tailscaleSshSetup } from '../../lib/connectors/tailscale/service.ts';

export const handler = httpHandler(tailscaleSshSetupRoute, async ({ principal }, d) => ok(await tailscaleSshSetup(d, principal.userId)));
