import { httpHandler, ok } from '../../lib/http/handler.ts';
import { gcpSetRootProjectRoute } from '../../lib/connectors/gcp/routes.ts';
import { setRootProject } from '../../lib/connectors/gcp/service.ts';

export const handler = httpHandler(gcpSetRootProjectRoute, async ({ principal, body }, d) => ok(await setRootProject(d, principal.userId, body.project_id)));
