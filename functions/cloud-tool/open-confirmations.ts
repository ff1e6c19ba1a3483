import { httpHandler, ok } from '../../lib/http/handler.ts';
import { openConfirmationsRoute } from '../../lib/commands/routes.ts';
import { openCloudToolConfirmations } from '../../lib/commands/confirmation-service.ts';

export const handler = httpHandler(openConfirmationsRoute, async ({ principal }, d) => ok({ confirmations: await openCloudToolConfirmations(d, principal.userId) }));
