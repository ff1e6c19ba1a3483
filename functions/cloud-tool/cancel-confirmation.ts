import { httpHandler, ok } from '../../lib/http/handler.ts';
import { cancelConfirmationRoute } from '../../lib/commands/routes.ts';
import { cancelCloudToolConfirmation } from '../../lib/commands/confirmation-service.ts';

export const handler = httpHandler(cancelConfirmationRoute, async ({ principal, params }, d) => {
  await cancelCloudToolConfirmation(d, principal.userId, params.id);
  return ok({ status: 'cancelled' });
});
