import { httpHandler, ok } from '../../lib/http/handler.ts';
import { scalewayStatusRoute } from '../../lib/providers/scaleway/routes.ts';
import { scalewayStatus } from '../../lib/providers/scaleway/service.ts';

export const handler = httpHandler(scalewayStatusRoute, async ({ principal }, d) => ok(await scalewayStatus(d, principal.userId)));
