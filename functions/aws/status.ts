import { httpHandler, ok } from '../../lib/http/handler.ts';
import { awsStatusRoute } from '../../lib/connectors/aws/routes.ts';
import { awsStatus } from '../../lib/connectors/aws/service.ts';

export const handler = httpHandler(awsStatusRoute, async ({ principal, query }, d) => ok(await awsStatus(d, principal.userId, query.account_id)));
