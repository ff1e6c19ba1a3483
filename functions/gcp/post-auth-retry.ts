import { httpHandler, ok } from '../../lib/http/handler.ts';
import { gcpPostAuthRetryRoute } from '../../lib/connectors/gcp/routes.ts';
import { retryWithSelection } from '../../lib/gcp-setup/service.ts';

export const handler = httpHandler(gcpPostAuthRetryRoute, async ({ principal, body }, d) => ok(await retryWithSelection(d, principal.userId, body.selected_project_ids)));
