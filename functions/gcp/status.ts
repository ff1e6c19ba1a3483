import { httpHandler, ok } from '../../lib/http/handler.ts';
import { gcpStatusRoute } from '../../lib/connectors/gcp/routes.ts';
import { gcpStatus } from '../../lib/connectors/gcp/service.ts';

export const handler = httpHandler(gcpStatusRoute, async ({ principal }, d) => ok(await gcpStatus(d, principal.userId)));
