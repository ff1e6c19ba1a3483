import { httpHandler, ok } from '../../lib/http/handler.ts';
import { listAlertsRoute } from '../../lib/alerts/routes.ts';
import { listAlerts } from '../../lib/alerts/store.ts';

export const handler = httpHandler(listAlertsRoute, async ({ principal, query }, d) => ok(await listAlerts(d, principal.userId, query)));
