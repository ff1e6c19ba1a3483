import { httpHandler, ok } from '../../lib/http/handler.ts';
import { azureLoginRoute } from '../../lib/connectors/azure/routes.ts';
import { loginAzure } from '../../lib/connectors/azure/service.ts';

export const handler = httpHandler(azureLoginRoute, async ({ principal, body }, d) => ok(await loginAzure(d, principal.userId, body)));
