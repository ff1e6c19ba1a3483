import { httpHandler, ok } from '../../lib/http/handler.ts';
import { ovhInitiateRoute } from '../../lib/connectors/ovh/routes.ts';
import { initiateOvh } from '../../lib/connectors/ovh/oauth.ts';

export const handler = httpHandler(ovhInitiateRoute, async ({ principal, body }, d) => ok(await initiateOvh(d, principal.userId, body.endpoint)));
