import { wsHandler } from '../../lib/http/ws-handler.ts';
import { routeOf } from '../../lib/kubectl/ws-routes.ts';
import { agentDisconnect } from '../../lib/kubectl/agent-service.ts';

export const handler = wsHandler(routeOf('$disconnect'), undefined, async ({ connectionId, event }, d) =>
  agentDisconnect(d, connectionId, event.requestContext.disconnectStatusCode, event.requestContext.disconnectReason),
);
