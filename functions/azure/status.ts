import { httpHandler, ok } from '../../lib/http/handler.ts';
import { azureStatusRoute } from '../../lib/providers/azure/routes.ts';
import { azureStatus } from '../../lib/providers/azure/service.ts';

export const handler = httpHandler(azureStatusRoute, async ({ principal, query }, d) => ok(await azureStatus(d, principal.userId, query.subscription_id)));
