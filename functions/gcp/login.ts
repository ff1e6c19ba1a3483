import { httpHandler, ok } from '../../lib/http/handler.ts';
import { gcpLoginRoute } from '../../lib/providers/gcp/routes.ts';
import { gcpLoginUrl } from '../../lib/providers/gcp/login.ts';

export const handler = httpHandler(gcpLoginRoute, async ({ principal }, d) => ok({ login_url: await gcpLoginUrl(d, principal.userId) }));
