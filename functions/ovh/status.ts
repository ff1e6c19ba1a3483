import { httpHandler, ok } from '../../lib/http/handler.ts';
import { ovhStatusRoute } from '../../lib/connectors/ovh/routes.ts';
import { ovhStatus } from '../../lib/connectors/ovh/service.ts';

export const handler = httpHandler(ovhStatusRoute, async ({ principal }, d) => ok(await ovhStatus(d, principal.userId)));
