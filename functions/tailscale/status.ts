import { httpHandler, ok } from '../../lib/http/handler.ts';
import { tailscaleStatusRoute } from '../../lib/providers/tailscale/routes.ts';
import { tailscaleStatus } from '../../lib/providers/tailscale/service.ts';

export const handler = httpHandler(tailscaleStatusRoute, async ({ principal }, d) => ok(await tailscaleStatus(d, principal.userId)));
