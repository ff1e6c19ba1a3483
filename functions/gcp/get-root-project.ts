import { httpHandler, ok } from '../../lib/http/handler.ts';
import { gcpGetRootProjectRoute } from '../../lib/connectors/gcp/routes.ts';
import { getRootProject } from '../../lib/connectors/gcp/root-project.ts';

export const handler = httpHandler(gcpGetRootProjectRoute, async ({ principal }, d) => ok(await getRootProject(d, principal.userId)));
