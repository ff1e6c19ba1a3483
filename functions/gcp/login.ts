import { httpHandler, ok } from '../../lib/http/handler.ts';
import { gcpLoginRoute } from '../../lib/connectors/gcp/routes.ts';
import { gcpLoginUrl } from '../../lib/connectors/gcp/login.ts';

export const handler = httpHandler(gcpLoginRoute, async ({ principal }, d) => ok({ login_url: await gcpLoginUrl(d, principal.userId) }));
