import { httpHandler, ok } from '../../lib/http/handler.ts';
import { pagerdutyRotateRoute } from '../../lib/connectors/pagerduty/routes.ts';
import { rotateToken } from '../../lib/connectors/pagerduty/service.ts';

export const handler = httpHandler(pagerdutyRotateRoute, async ({ principal, body }, d) => ok(await rotateToken(d, principal.userId, body)));
