import { httpHandler, ok } from '../../lib/http/handler.ts';
import { azureStatusRoute } from '../../lib/connectors/azure/routes.ts';
import { azureStatus } from '../../lib/connectors/azure/service.ts';

export const handler = httpHandler(azureStatusRoute, async ({ principal, query }, d) => ok(await azureStatus(d, principal.userId, query.subscription_id)));
