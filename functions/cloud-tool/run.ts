import { httpHandler, ok } from '../../lib/http/handler.ts';
import { cloudToolRoute } from '../../lib/commands/routes.ts';
import { runCloudTool } from '../../lib/commands/service.ts';

export const handler = httpHandler(cloudToolRoute, async ({ principal, body }, d) => ok(await runCloudTool(d, principal.userId, body)));
