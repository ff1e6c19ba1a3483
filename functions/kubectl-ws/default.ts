import { wsHandler } from '../../lib/http/ws-handler.ts';
import { routeOf } from '../../lib/kubectl/ws-routes.ts';
import { agentUnknownMessage } from '../../lib/kubectl/agent-service.ts';

export const handler = wsHandler(routeOf('$default'), undefined, async ({ connectionId }, d) => agentUnknownMessage(d, connectionId));
