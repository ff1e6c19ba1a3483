import { httpHandler, ok } from '../../lib/http/handler.ts';
import { awsCredentialsRoute } from '../../lib/connectors/aws/routes.ts';
import { awsCredentials } from '../../lib/connectors/aws/service.ts';

export const handler = httpHandler(awsCredentialsRoute, async ({ principal, query }, d) => ok(await awsCredentials(d, principal.userId, query.account_id)));
