import { httpHandler, redirect } from '../../lib/http/handler.ts';
import { gcpCallbackRoute } from '../../lib/connectors/gcp/routes.ts';
import { handleGcpCallback } from '../../lib/connectors/gcp/oauth.ts';

export const handler = httpHandler(gcpCallbackRoute, async ({ principal, query, cookies }, d) => {
  const out = await handleGcpCallback(d, { query, principal, cookies });
  return redirect(out.location, out.cookies);
});
