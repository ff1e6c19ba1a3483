import { httpHandler, redirect } from '../../lib/http/handler.ts';
import { ovhCallbackRoute } from '../../lib/providers/ovh/routes.ts';
import { ovhCallback } from '../../lib/providers/ovh/service.ts';

export const handler = httpHandler(ovhCallbackRoute, async ({ principal, query }, d) => redirect(await ovhCallback(d, principal, query)));
