import { httpHandler, redirect } from '../../lib/http/handler.ts';
import { gcpCallbackRoute } from '../../lib/providers/gcp/routes.ts';
import { handleGcpCallback } from '../../lib/providers/gcp/oauth.ts';

export const handler = httpHandler(gcpCallbackRoute, async ({ principal, query }, d) => redirect(await handleGcpCallback(d, query, principal)));
