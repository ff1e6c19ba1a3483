import { httpHandler, ok } from '../../lib/http/handler.ts';
import { recentRunsRoute } from '../../lib/commands/routes.ts';
import { listRecentRuns } from '../../lib/commands/runs.ts';

export const handler = httpHandler(recentRunsRoute, async ({ principal, query }, d) => ok(await listRecentRuns(d, principal.userId, query.limit)));
