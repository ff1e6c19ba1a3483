import { httpHandler, ok } from '../../lib/http/handler.ts';
import { gcpStatusRoute } from '../../lib/providers/gcp/routes.ts';
import { gcpStatus } from '../../lib/providers/gcp/service.ts';

export const handler = httpHandler(gcpStatusRoute, async ({ principal }, d) => ok(await gcpStatus(d, principal.userId)));
