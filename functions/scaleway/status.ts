import { httpHandler, ok } from '../../lib/http/handler.ts';
import { scalewayStatusRoute } from '../../lib/connectors/scaleway/routes.ts';
import { scalewayStatus } from '../../lib/connectors/scaleway/service.ts';

export const handler = httpHandler(scalewayStatusRoute, async ({ principal }, d) => ok(await scalewayStatus(d, principal.userId)));
