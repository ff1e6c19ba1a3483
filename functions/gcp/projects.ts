import { httpHandler, ok } from '../../lib/http/handler.ts';
import { gcpProjectsRoute } from '../../lib/providers/gcp/routes.ts';
import { gcpProjects } from '../../lib/providers/gcp/service.ts';

export const handler = httpHandler(gcpProjectsRoute, async ({ principal }, d) => ok(await gcpProjects(d, principal.userId)));
