import { header, wsHandler } from '../../lib/http/ws-handler.ts';
import { routeOf } from '../../lib/kubectl/ws-routes.ts';
import { agentConnect } from '../../lib/kubectl/agent-service.ts';

export const handler = wsHandler(routeOf('$connect'), undefined, async ({ connectionId, event }, d) => {
  await agentConnect(d, connectionId, header(event, 'authorization'), header(event, 'x-aurora-cluster-id'));
  return { statusCode: 200 };
});
