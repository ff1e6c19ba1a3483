import { httpHandler, ok } from '../../lib/http/handler.ts';
import { awsStatusRoute } from '../../lib/providers/aws/routes.ts';
import { awsStatus } from '../../lib/providers/aws/service.ts';

export const handler = httpHandler(awsStatusRoute, async ({ principal, query }, d) => ok(await awsStatus(d, principal.userId, query.account_id)));
