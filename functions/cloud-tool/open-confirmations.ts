import { httpHandler, ok } from '../../lib/http/handler.ts';
import { openConfirmationsRoute } from '../../lib/commands/routes.ts';
import { openCloudToolConfirmations } from '../../lib/commands/service.ts';

export const handler = httpHandler(openConfirmationsRoute, async ({ principal }, d) => ok({ confirmations: await openCloudToolConfirmations(d, principal.userId) }));
