import { httpHandler, ok } from '../../lib/http/handler.ts';
import { rotateTokenRoute } from '../../lib/kubectl/routes.ts';
import { rotateClusterToken } from '../../lib/kubectl/service.ts';

export const handler = httpHandler(rotateTokenRoute, async ({ principal, params, body }, d) => ok(await rotateClusterToken(d, principal.userId, params.token_id, body)));
