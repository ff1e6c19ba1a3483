import { httpHandler, ok } from '../../lib/http/handler.ts';
import { tailscaleStatusRoute } from '../../lib/connectors/tailscale/routes.ts';
import { tailscaleStatus } from '../../lib/connectors/tailscale/service.ts';

export const handler = httpHandler(tailscaleStatusRoute, async ({ principal }, d) => ok(await tailscaleStatus(d, principal.userId)));
