import { httpHandler, ok } from '../../lib/http/handler.ts';
import { gcpProjectsRoute } from '../../lib/connectors/gcp/routes.ts';
import { gcpProjects } from '../../lib/connectors/gcp/service.ts';

export const handler = httpHandler(gcpProjectsRoute, async ({ principal }, d) => ok(await gcpProjects(d, principal.userId)));
