import { httpHandler, ok } from '../../lib/http/handler.ts';
import { revokeClusterRoute } from '../../lib/kubectl/routes.ts';
import { revokeCluster } from '../../lib/kubectl/service.ts';

export const handler = httpHandler(revokeClusterRoute, async ({ principal, params }, d) => ok(await revokeCluster(d, principal.userId, params.cluster_id)));
