import { httpHandler, ok } from '../../lib/http/handler.ts';
import { scalewayProjectsRoute } from '../../lib/connectors/scaleway/routes.ts';
import { scalewayProjects } from '../../lib/connectors/scaleway/service.ts';

export const handler = httpHandler(scalewayProjectsRoute, async ({ principal }, d) => ok(await scalewayProjects(d, principal.userId)));
