import { httpHandler, ok } from '../../lib/http/handler.ts';
import { awsAuthRoute } from '../../lib/connectors/aws/routes.ts';
import { connectAws } from '../../lib/connectors/aws/service.ts';

export const handler = httpHandler(awsAuthRoute, async ({ principal, body }, d) => ok(await connectAws(d, principal.userId, body)));
