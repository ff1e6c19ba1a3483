import { httpHandler, ok } from '../../lib/http/handler.ts';
import { gcpSetupStatusRoute } from '../../lib/connectors/gcp/routes.ts';
import { setupStatus } from '../../lib/gcp-setup/service.ts';

export const handler = httpHandler(gcpSetupStatusRoute, async ({ principal, params }, d) => ok(await setupStatus(d, principal.userId, params.task_id)));
