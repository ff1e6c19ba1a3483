import { httpHandler, ok } from '../../lib/http/handler.ts';
import { approveConfirmationRoute } from '../../lib/commands/routes.ts';
import { approveCloudToolConfirmation } from '../../lib/commands/confirmation-service.ts';

export const handler = httpHandler(approveConfirmationRoute, async ({ principal, params }, d) => {
  await approveCloudToolConfirmation(d, principal.userId, params.id);
  return ok({ status: 'approved' });
});
