import { httpHandler, ok } from '../../lib/http/handler.ts';
import { tailscaleConnectRoute } from '../../lib/connectors/tailscale/routes.ts';
import { connectTailscale } from '../../lib/connectors/tailscale/service.ts';

export const handler = httpHandler(tailscaleConnectRoute, async ({ principal, body }, d) => ok(await connectTailscale(d, principal.userId, body)));
