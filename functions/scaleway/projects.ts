import { httpHandler, ok } from '../../lib/http/handler.ts';
import { scalewayProjectsRoute } from '../../lib/providers/scaleway/routes.ts';
import { scalewayProjects } from '../../lib/providers/scaleway/service.ts';

export const handler = httpHandler(scalewayProjectsRoute, async ({ principal }, d) => ok(await scalewayProjects(d, principal.userId)));
