import { httpHandler, ok } from '../../lib/http/handler.ts';
import { awsCredentialsRoute } from '../../lib/providers/aws/routes.ts';
import { awsCredentials } from '../../lib/providers/aws/service.ts';

export const handler = httpHandler(awsCredentialsRoute, async ({ principal, query }, d) => ok(await awsCredentials(d, principal.userId, query.account_id)));
