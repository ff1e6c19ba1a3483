import { wsHandler } from '../../lib/http/ws-handler.ts';
import { routeOf } from '../../lib/kubectl/ws-routes.ts';
import { heartbeatMessage } from '../../lib/kubectl/protocol.ts';
import { agentHeartbeat } from '../../lib/kubectl/agent-service.ts';

export const handler = wsHandler(routeOf('heartbeat'), heartbeatMessage, async ({ connectionId }, d) => agentHeartbeat(d, connectionId));
