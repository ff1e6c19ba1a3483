import { httpHandler, ok } from '../../lib/http/handler.ts';
import { getAlertRoute } from '../../lib/alerts/routes.ts';
import { alertOf } from '../../lib/alerts/store.ts';

export const handler = httpHandler(getAlertRoute, async ({ principal, params }, d) => ok(await alertOf(d, principal.userId, params.alert_id)));
