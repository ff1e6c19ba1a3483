import { httpHandler, ok } from '../../lib/http/handler.ts';
import { createTokenRoute } from '../../lib/kubectl/routes.ts';
import { createClusterToken } from '../../lib/kubectl/service.ts';

export const handler = httpHandler(createTokenRoute, async ({ principal, body }, d) => ok(await createClusterToken(d, principal.userId, body)));
