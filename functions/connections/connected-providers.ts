import { httpHandler, ok } from '../../lib/http/handler.ts';
import { connectedProvidersRoute } from '../../lib/connections/routes.ts';
import { connectedProviders } from '../../lib/connections/service.ts';

export const handler = httpHandler(connectedProvidersRoute, async ({ principal }, d) => ok(await connectedProviders(d, principal.userId)));
