import { httpHandler, ok } from '../../lib/http/handler.ts';
import { awsAuthRoute } from '../../lib/providers/aws/routes.ts';
import { connectAws } from '../../lib/providers/aws/service.ts';

export const handler = httpHandler(awsAuthRoute, async ({ principal, body }, d) => ok(await connectAws(d, principal.userId, body)));
